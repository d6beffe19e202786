# `integrid map`: maps to PNG, SVG and PDF. Output is a picture, so these
# transcripts check what can be checked without bytes: the exit status,
# the file that was written (and nothing else), its signature, and the
# warnings for maps that cannot show classes. Structure (runs, legend,
# pixels) is tested in tests/unit/test_render_map.c.
$ integrid map $DATA/tiny.csv --var share:OTH --classes 3 -o m.png && ls -A && head -c 4 m.png | tail -c 3
m.png
PNG
!! 0
$ integrid map $DATA/tiny.csv --var lq:OTH --classify jenks --classes 3 -o m.svg && grep -c '<svg' m.svg
1
!! 0
$ integrid map $DATA/tiny.csv --var share:NAT --classify equal --palette Blues_r --title 'Born in the country' -o m.pdf && head -c 4 m.pdf
| %PDF
$ integrid map $DATA/tiny.csv --var share:OTH --breaks 0.2,0.5 --width 400 -o m.PNG && ls
m.PNG
# a place of the --by column; EU_OTH is absent from Beta: one class,
# and the map and a warning say why (exit 0)
$ integrid map $DATA/tiny.csv --by CITY --place Beta --var share:EU_OTH -o b.png
!! 1
! ^integrid: map: warning: All 2 values are equal \(0\.00 %\): there are no class breaks, one class is drawn; the map says so \(b\.png\)$
$ integrid map $DATA/tiny.csv --by CITY --place Beta --var lq:EU_OTH -o b.png
! ^integrid: map: warning: Nobody of group EU_OTH lives here: the location quotient is undefined; the map says so \(b\.png\)$
# a cell whose group is not available is drawn grey, and counted
$ integrid map $DATA/with_na.csv --var share:OTH --classes 2 -o n.png
!! 1
! ^integrid: map: warning: 1 of 5 cells have no value and are drawn grey$
# local measures: a multigroup measure, Gi* hot spots and LISA classes
$ integrid map $DATA/local_block.csv --var measure:local_entropy@1000 --classify equal -o e.svg && ls
e.svg
$ integrid map $DATA/local_block.csv --var measure:local_gi_star:OTH@1500 --fdr 0.1 -o gi.png && ls
gi.png
$ integrid map $DATA/local_block.csv --var measure:local_moran:OTH@1500 --seed 3 --permutations 99 -o lisa.pdf && ls
lisa.pdf
$ integrid map $DATA/local_block.csv --var measure:local_share:OTH@k20 -o k.png && ls
k.png
# places: DEGURBA (the default for --place without --places or --by) and
# a boundary file
$ integrid map $DATA/degurba.csv --place 1 --var share:OTH -o d.png -q && ls
d.png
$ integrid map $DATA/degurba.csv --places degurba --var share:OTH -o d.svg -q && ls
d.svg
$ integrid map $DATA/towns.csv --places $DATA/towns_areas.geojson --place-name name --place 'Town one' --var share:OTH -o t.png -q && ls
t.png
# fewer classes than asked for: said so
$ integrid map $DATA/tiny.csv --var share:OTH --classes 6 -o m.png
!! 1
! ^integrid: map: warning: 4 classes instead of 6: quantile breaks fell on tied values \(try --classify jenks\)$
# an existing map is replaced atomically
$ echo old > m.png && integrid map $DATA/tiny.csv --var share:OTH -o m.png && ls -A && head -c 4 m.png | tail -c 3
m.png
PNG
$ integrid map --help | grep -c -e '^      --var VAR ' -e '^      --classify M ' -e '^      --palette NAME ' -e '^      --place ID|NAME '
4
