# Errors of `integrid map`. Usage errors exit 2 before the input is read
# (so x.csv need not exist); runtime errors exit 1 with one line and leave
# no file behind.
$ integrid map x.csv -o m.png
? 2
! ^integrid: map: --var is required: share:GROUP, lq:GROUP or measure:NAME\[:GROUP\]\[@R\]$
! ^try 'integrid map --help'$
$ integrid map x.csv --var pct:OTH -o m.png
? 2
! invalid value 'pct:OTH' for --var
$ integrid map x.csv --var measure:local_shar@1000 -o m.png
? 2
! ^integrid: map: unknown local measure 'local_shar' in --var; known: local_share, 
$ integrid map x.csv --var measure:local_share@1000 -o m.png
? 2
! local_share gives one value per group: name the group, e.g. --var measure:local_share:OTH@1000$
$ integrid map x.csv --var measure:local_share:OTH -o m.png
? 2
! local_share needs a neighbourhood
$ integrid map x.csv --var measure:local_entropy:OTH@1000 -o m.png
? 2
! local_entropy is one value for all groups together: drop ':OTH' from --var$
$ integrid map x.csv --var measure:local_gi_star:OTH@k200 -o m.png
? 2
! local_gi_star needs a kernel radius
$ integrid map x.csv --var measure:local_share:OTH@-5 -o m.png
? 2
! invalid scale '@-5' in --var
# classes, breaks and palettes
$ integrid map x.csv --var share:OTH --classes 1 -o m.png
? 2
! invalid value '1' for --classes: use a whole number from 2 to 20$
$ integrid map x.csv --var share:OTH --classify natural -o m.png
? 2
! invalid value 'natural' for --classify: use quantile, equal, jenks or fixed$
$ integrid map x.csv --var share:OTH --classify fixed -o m.png
? 2
! --classify fixed needs --breaks
$ integrid map x.csv --var share:OTH --breaks 0.2,0.1 -o m.png
? 2
! --breaks must be strictly ascending
$ integrid map x.csv --var share:OTH --palette jet -o m.png
? 2
! ^integrid: map: unknown palette 'jet'; palettes: viridis, cividis, Blues, 
$ integrid map x.csv --var share:OTH --palette Blues --classes 12 -o m.png
? 2
! palette Blues has 9 classes at most; 12 were asked for
$ integrid map x.csv --var share:OTH --width 10 -o m.png
? 2
! invalid value '10' for --width
# the output: required, with a known extension
$ integrid map x.csv --var share:OTH
? 2
! -o FILE is required
$ integrid map x.csv --var share:OTH -o m.txt; rc=$?; ls; exit $rc
? 2
! cannot tell the map format from 'm.txt'
# runtime errors: exit 1, one line, no file
$ integrid map $DATA/tiny.csv --var share:OTH -o /nonexistent-dir/m.png
? 1
!! 1
! ^integrid: map: cannot create output file '/nonexistent-dir/m.png'
$ integrid map x.csv --var share:OTH -o m.png; rc=$?; ls -A; exit $rc
? 1
!! 1
! ^integrid: map: x.csv: cannot open the file
$ integrid map $DATA/tiny.csv --var share:FOO -o m.png; rc=$?; ls -A; exit $rc
? 1
!! 1
! ^integrid: map: no group 'FOO' in the input \(--var share:FOO\); its groups are: NAT, EU_OTH, OTH$
$ integrid map $DATA/tiny.csv --by CITY --place Gamma --var share:OTH -o m.png; rc=$?; ls -A; exit $rc
? 1
!! 1
! ^integrid: map: --place: no place 'Gamma'
$ integrid map --long school,group,n $DATA/long.csv --var share:NAT -o m.png; rc=$?; ls -A; exit $rc
? 1
!! 1
! a map needs grid cells with coordinates
