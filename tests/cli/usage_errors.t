# Usage errors: exit status 2, the problem, then a hint; nothing on stdout.
# Each is caught before the input is opened, so FILE need not exist.
$ integrid measures --frobnicate x.csv
? 2
!! 2
! ^integrid: measures: unknown option '--frobnicate'$
! ^try 'integrid measures --help'$
$ integrid measures --frmat csv x.csv
? 2
! ^integrid: measures: unknown option '--frmat'; did you mean '--format'\?$
$ integrid measures --form csv x.csv
? 2
! ^integrid: measures: ambiguous option '--form': --format-in, --format$
$ integrid measures -z x.csv
? 2
! ^integrid: measures: unknown option '-z'$
$ integrid measures x.csv --by
? 2
! ^integrid: measures: option '--by' needs a value$
$ integrid measures a.csv b.csv
? 2
! unexpected argument 'b.csv'
# unknown measures list the closest valid names
$ integrid measures --only dissimilarty x.csv
? 2
!! 2
! ^integrid: measures: unknown measure 'dissimilarty' in --only; closest: dissimilarity \(all: 'integrid measures --list'\)$
$ integrid measures --only share,dissim x.csv
? 2
! unknown measure 'dissim' in --only; closest: dissimilarity, modified_dissimilarity, bias_corrected_dissimilarity
$ integrid measures --only share,,gini x.csv
? 2
! empty item in --only 'share,,gini'
# numbers are range-checked
$ integrid measures --reps 0 x.csv
? 2
! ^integrid: measures: invalid value '0' for --reps: expected a whole number from 1 to 100000000$
$ integrid measures --reps 12abc x.csv
? 2
! invalid value '12abc' for --reps
$ integrid measures --seed -1 x.csv
? 2
! invalid value '-1' for --seed
$ integrid measures --seed 99999999999999999999999 x.csv
? 2
! invalid value '99999999999999999999999' for --seed
$ integrid measures --atkinson-b 1 x.csv
? 2
! invalid value '1' for --atkinson-b: expected a number between 0 and 1 \(exclusive\)
$ integrid measures --atkinson-b nan x.csv
? 2
! invalid value 'nan' for --atkinson-b
$ integrid measures --threads 0 x.csv
? 2
! invalid value '0' for --threads
$ integrid measures --thresholds 1 x.csv
? 2
! invalid value '1' for --thresholds
$ integrid info --cell-size -5 x.csv
? 2
! ^integrid: info: invalid value '-5' for --cell-size
$ integrid info --crs EPSG:abc x.csv
? 2
! invalid value 'EPSG:abc' for --crs
$ integrid info --sep '|' x.csv
? 2
! invalid value '\|' for --sep: use ',' ';' or 'tab'
$ integrid info --origin middle x.csv
? 2
! invalid value 'middle' for --origin: use ll or centre
$ integrid info --format csv x.csv
? 2
! invalid value 'csv' for --format: use table or json
$ integrid measures --format xml x.csv
? 2
! invalid value 'xml' for --format: use table, csv or json
$ integrid measures --long school,group x.csv
? 2
! invalid value 'school,group' for --long: use UNIT_COL,GROUP_COL,COUNT_COL
$ integrid measures --group FOREIGN x.csv
? 2
! invalid value 'FOREIGN' for --group: use NAME=EXPR
$ integrid measures --x X_LLC x.csv
? 2
! ^integrid: measures: --x and --y go together$
$ integrid measures --cell-col GRD_ID --x X --y Y x.csv
? 2
! give either --cell-col or --x/--y, not both
$ integrid measures --list x.csv
? 2
! ^integrid: measures: --list takes no FILE$
# options of one command are not options of another
$ integrid info --only share x.csv
? 2
! ^integrid: info: unknown option '--only'$
$ integrid --frobnicate
? 2
! ^integrid: expected a command before '--frobnicate'$
