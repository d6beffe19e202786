# integrid change OLD NEW: the CSV contract place,measure,group,value,component
# and its errors. The published R segregation example (schools00 -> schools05)
# is checked numerically in tests/unit/test_change.c.
# an unknown --measure is a usage error
$ integrid change --measure gini $DATA/long.csv $DATA/long.csv
? 2
! ^integrid: change: unknown --measure 'gini'
# a file compared with itself: every part is 0
$ integrid change --long school,group,n $DATA/long.csv $DATA/long.csv | head -1
place,measure,group,value,component
$ integrid change --long school,group,n $DATA/long.csv $DATA/long.csv | cut -d, -f5 | tr '\n' ' '
component old new total additions removals unit_marginal group_marginal structural 
$ integrid change --long school,group,n --measure dissimilarity $DATA/long.csv $DATA/long.csv | grep -c ',reallocation$'
4
# NEW cannot be read with the same options
$ integrid change --long school,group,n $DATA/long.csv $DATA/tiny.csv
? 1
! ^integrid: change: 
# --classes COL: the change in M split between and within the classes of
# the cells (here the districts of tiny.csv and of a later census); the
# class parts add up to the total change
$ integrid change --by CITY --classes DIST $DATA/tiny.csv $DATA/tiny_later.csv | grep '^Alpha' | cut -d, -f5 | tr '\n' ' '
old new total additions removals unit_marginal group_marginal structural between_classes:old between_classes:new between_classes within:A1:old within:A1:new within:A1 within:A2:old within:A2:new within:A2 
$ integrid change --by CITY --classes DIST $DATA/tiny.csv $DATA/tiny_later.csv | awk -F, '$1 == "Beta" && $5 == "total" { t = $4 } $1 == "Beta" && ($5 == "between_classes" || $5 ~ /^within:[^:]*$/) { s += $4 } END { d = t - s; print (d < 1e-12 && d > -1e-12) ? "adds up" : "differs" }'
adds up
$ integrid change --by CITY --classes DIST --measure dissimilarity $DATA/tiny.csv $DATA/tiny.csv
? 2
! ^integrid: change: --classes splits M or H
$ integrid change --by CITY --classes DIST --within CITY $DATA/tiny.csv $DATA/tiny.csv
? 2
! ^integrid: change: give the classes once: --classes COL or --within COL$
