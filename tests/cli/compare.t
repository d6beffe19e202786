# integrid compare A B: the CSV contract place,measure,group,value_a,value_b,
# difference,ci_low,ci_high,p_value and its errors (docs/inference.md). The
# statistics are checked in tests/unit/test_compare.c.
$ integrid compare --by CITY --measures dissimilarity --reps 9 $DATA/tiny.csv $DATA/tiny.csv | head -2
place,measure,group,value_a,value_b,difference,ci_low,ci_high,p_value
Alpha,dissimilarity,NAT,0.75,0.75,0,-0.13636363636363638,0.21608391608391606,1
# a grid compared with itself: every difference is 0 and every p-value 1
$ integrid compare --by CITY --reps 19 $DATA/tiny.csv $DATA/tiny.csv 2>/dev/null | awk -F, 'NR > 1 && $6 != "" && ($6 != 0 || $9 != 1) { bad = 1 } END { print bad ? "bad" : "ok" }'
ok
# a known change: A apart (D = 1), B mixed (D = 0); p = 1 / (1 + 99)
$ printf 'GRD_ID,X,Y\nCRS3035RES1000mN2684000E4334000,10,0\nCRS3035RES1000mN2684000E4335000,0,10\n' > a.csv && printf 'GRD_ID,X,Y\nCRS3035RES1000mN2684000E4334000,5,5\nCRS3035RES1000mN2684000E4335000,5,5\n' > b.csv && integrid compare --groups X,Y --measures multi_dissimilarity --reps 99 a.csv b.csv
place,measure,group,value_a,value_b,difference,ci_low,ci_high,p_value
all,multi_dissimilarity,,1,0,-1,-1,-0.4505494505494505,0.01
# the same seed gives the same numbers on 1 and 2 threads
$ integrid compare --by CITY --reps 50 --seed 3 --threads 1 $DATA/tiny.csv $DATA/tiny.csv > a.csv 2>/dev/null && integrid compare --by CITY --reps 50 --seed 3 --threads 2 $DATA/tiny.csv $DATA/tiny.csv > b.csv 2>/dev/null && cmp a.csv b.csv && echo same
same
# JSON carries the run's settings and the same fields
$ integrid compare --by CITY --measures multi_dissimilarity --reps 9 --level 0.9 --format json $DATA/tiny.csv $DATA/tiny.csv | head -1
{"reps": 9, "seed": 1, "level": 0.90000000000000002, "rows": [
# bad input
$ integrid compare $DATA/tiny.csv
? 2
! ^integrid: compare: give two grids: A B
$ integrid compare --measures gini_typo $DATA/tiny.csv $DATA/tiny.csv
? 2
! ^integrid: compare: unknown measure 'gini_typo' in --measures
# spatial measures compare too: a grid with itself differs by 0
$ integrid compare --by CITY --measures spatial_exposure --radius-m 1500 --reps 9 $DATA/tiny.csv $DATA/tiny.csv | cut -d, -f1-3,6 | head -3
place,measure,group,difference
Alpha,spatial_exposure,NAT,0
Alpha,spatial_exposure,EU_OTH,0
$ integrid compare --reps 0 $DATA/tiny.csv $DATA/tiny.csv
? 2
# groups that differ cannot come from one set of read options: a file
# without a group column fails to read (the library's message that lists
# both sides is checked in tests/unit/test_compare.c)
$ printf 'GRD_ID,NAT,EU_OTH,ELSE\nCRS3035RES1000mN2684000E4334000,1,2,3\n' > c.csv && integrid compare --groups NAT,EU_OTH,OTH $DATA/tiny.csv c.csv
? 1
! c.csv
# cell sizes that do not nest (a finer grid that nests is aggregated)
$ printf 'GRD_ID,NAT,EU_OTH,OTH\nCRS3035RES400mN2684000E4334000,1,2,3\n' > d.csv && integrid compare $DATA/tiny.csv d.csv
? 1
! do not nest: 1000 is not a multiple of 400
# no common place
$ printf 'GRD_ID,CITY,NAT,EU_OTH,OTH\nCRS3035RES1000mN2684000E4334000,Zeta,1,2,3\n' > e.csv && integrid compare --by CITY $DATA/tiny.csv e.csv
? 1
! no place is in both grids
