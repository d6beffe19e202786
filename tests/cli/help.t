# integrid --help: the command list comes from src/cli/commands.def
$ integrid --help
Usage: integrid <command> [options] [FILE | -]

Segregation, concentration and diversity measures on census population grids.

Commands:
  formats    List the input formats (readers) compiled in
  info       Describe a grid: format, CRS, resolution, extent, groups, places
  measures   Compute segregation, concentration and diversity measures, or list them
  places     Find urban centres, urban clusters and rural areas (DEGURBA) in a grid
  benchmark  Rank a place against comparable places: its class, country, size, peers
  profile    Spatial segregation at several scales: each measure at each radius or k
  local      One value per cell: local shares, diversity, exposure, hot spots, LISA
  change     Split the change in segregation between two grids into its parts
  compare    Compare two grids place by place: difference, bootstrap CI, p-value
  map        Draw a map of a grid: shares, location quotients or a local measure
  policy     Local integration policy: frameworks, fill-in templates, scores, peers
  practices  Search the practice knowledge base: what places like yours have done
  report     The local integration profile of a place: one HTML or PDF page
  serve      The local web app: an API and a browser UI over a data directory
  version    Print the version
  help       Show help for a command

Options:
  -h, --help      show this help and exit
      --version   print the version and exit

Run 'integrid help <command>' for the options of a command.
Example: integrid measures grid.csv --by CITY --format table
Exit status: 0 success, 1 runtime error, 2 usage error.
# the same text for -h and for `integrid help`
$ integrid -h | head -1
Usage: integrid <command> [options] [FILE | -]
$ integrid help | head -1
Usage: integrid <command> [options] [FILE | -]
# per-command help: usage, summary and the options from the table
$ integrid help measures | head -4
Usage: integrid measures [read options] [measure options] [FILE | -]
       integrid measures --list [--format table|csv|json]

Compute segregation, concentration and diversity measures, or list them.
$ integrid measures --help | grep -c -e '--only M1,M2' -e '--by COL' -e '--output FILE' -e '--within COL'
4
$ integrid info --help | head -3
Usage: integrid info [read options] [--format table|json] [FILE | -]

Describe a grid: format, CRS, resolution, extent, groups, places.
# info has no measure options
$ integrid info --help | grep -c -e '--only' -e '--reps'
0
? 1
$ integrid formats -h | tail -1
Exit status: 0 success, 1 runtime error, 2 usage error.
# no command: the help on stderr, usage status
$ integrid
? 2
! ^Usage: integrid <command>
$ integrid help nosuch
? 2
! ^integrid: unknown command 'nosuch'$
! ^try 'integrid --help'$
$ integrid frmats
? 2
! did you mean 'formats'\?
