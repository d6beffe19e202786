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
