# integrid info: what the reader found, before any measure is computed.
$ cd $DATA && integrid info --by CITY --within DIST tiny.csv
file               tiny.csv
format             eurostat
CRS                EPSG:3035
resolution         1000 m
extent (m)         E 4334000 to 4342000, N 2684000 to 2691000 (8 km x 7 km)
cells              4
places             2 (by CITY)
                     Alpha  2 cells
                     Beta   2 cells
within             3 clusters (by DIST)
groups             3
                             total  not available (cells)
                     NAT        20  0
                     EU_OTH      4  0
                     OTH        24  0
population total   sum of the groups
cells with n/a     0
flagged cells      0
duplicates merged  0
rows read          4
delimiter          ','
decimal comma      no
gzip               no
!! 0
# without --by there is no places line
$ integrid info $DATA/alpha.csv | grep -c '^places'
0
? 1
# gzip input
$ gzip -c $DATA/alpha.csv > a.csv.gz && integrid info a.csv.gz | grep -e '^gzip' -e '^cells  '
cells              2
gzip               yes
# standard input
$ integrid info - < $DATA/alpha.csv | grep -e '^file' -e '^cells  '
file               -
cells              2
# not-available cells per group
$ integrid info $DATA/with_na.csv | sed -n '/^groups/,/^cells with/p'
groups             3
                             total  not available (cells)
                     NAT        25  0
                     EU_OTH      6  0
                     OTH        24  1
population total   sum of the groups
cells with n/a     1
# read options reach the reader: groups from expressions, a total column,
# kept columns, sentinels
$ integrid info --groups NAT,FOREIGN=EU_OTH+OTH $DATA/alpha.csv | sed -n '/^groups/,/^population/p'
groups             2
                              total  not available (cells)
                     NAT          4  0
                     FOREIGN     12  0
population total   sum of the groups
$ integrid info --group FOREIGN=EU_OTH+OTH --groups NAT $DATA/alpha.csv | grep -c -e '^ *NAT ' -e '^ *FOREIGN '
2
$ integrid info --keep OTH --total NAT --groups NAT,EU_OTH $DATA/alpha.csv | grep -e '^population' -e '^kept'
population total   from NAT
kept columns       OTH
$ integrid info --na 4 $DATA/alpha.csv 2>/dev/null | grep '^cells with n/a'
cells with n/a     1
# a duplicate cell is summed, or an error with --strict
$ (cat $DATA/alpha.csv; tail -1 $DATA/alpha.csv) > dup.csv && integrid info dup.csv | grep -e '^duplicates' -e '^rows read' -e '^cells  '
cells              2
duplicates merged  1
rows read          3
$ (cat $DATA/alpha.csv; tail -1 $DATA/alpha.csv) > dup.csv && integrid info --strict dup.csv
? 1
!! 1
! ^integrid: info: 
# warnings from the library (its log callback) carry the command's prefix,
# and --quiet silences them
$ integrid info --total OTH --groups NAT,EU_OTH $DATA/alpha.csv > /dev/null
!! 1
! ^integrid: info: warning: .*alpha\.csv: 1 row have a total \(column 'OTH'\) below the sum of their groups
$ integrid info --quiet --total OTH --groups NAT,EU_OTH $DATA/alpha.csv > /dev/null
!! 0
% command -v python3
$ cd $DATA && integrid info --format json --by CITY tiny.csv | python3 -c '
> import json, sys
> d = json.load(sys.stdin)
> for k in ("integrid_version", "input", "format", "crs_epsg", "cell_size_m", "extent_m", "cells", "by", "places", "groups", "has_total", "cells_na", "cells_flagged", "duplicates", "rows_read", "delimiter", "decimal_comma", "gzip"):
>     print(k, d[k] if k != "integrid_version" else d[k] == sys.argv[1])
> ' "$VERSION"
integrid_version True
input tiny.csv
format eurostat
crs_epsg 3035
cell_size_m 1000
extent_m {'min_east': 4334000, 'min_north': 2684000, 'max_east': 4342000, 'max_north': 2691000}
cells 4
by CITY
places [{'name': 'Alpha', 'cells': 2}, {'name': 'Beta', 'cells': 2}]
groups [{'name': 'NAT', 'total': 20, 'na_cells': 0}, {'name': 'EU_OTH', 'total': 4, 'na_cells': 0}, {'name': 'OTH', 'total': 24, 'na_cells': 0}]
has_total False
cells_na 0
cells_flagged 0
duplicates 0
rows_read 4
delimiter ,
decimal_comma False
gzip False
$ integrid info --format json --long school,group,n $DATA/long.csv | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["crs_epsg"], d["cell_size_m"], d["extent_m"], d["cells"])'
None None None 4
