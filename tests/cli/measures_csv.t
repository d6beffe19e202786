# CSV output of `integrid measures` (the contract in docs/cli.md):
# header place,measure,group,value; one row per place x measure x group in
# library order; 17 significant digits; an empty value when the measure is
# undefined for the data, with one warning per measure and reason.
#
# tiny.csv: Alpha = cells (NAT, EU_OTH, OTH) = (4,1,2) and (0,3,6);
#           Beta  = (15,0,11) and (1,0,5).
# By hand (D = 1/2 sum |x_i/X - y_i/Y|, share = X/T), all exact in binary:
#   Alpha: D = 3/4, 1/4, 3/8; share = 1/4, 1/4, 1/2
#   Beta:  D = 1/4, undefined (no EU_OTH), 1/4; share = 1/2, 0, 1/2
$ integrid measures --by CITY --only dissimilarity,share $DATA/tiny.csv
place,measure,group,value
Alpha,dissimilarity,NAT,0.75
Alpha,dissimilarity,EU_OTH,0.25
Alpha,dissimilarity,OTH,0.375
Alpha,share,NAT,0.25
Alpha,share,EU_OTH,0.25
Alpha,share,OTH,0.5
Beta,dissimilarity,NAT,0.25
Beta,dissimilarity,EU_OTH,
Beta,dissimilarity,OTH,0.25
Beta,share,NAT,0.5
Beta,share,EU_OTH,0
Beta,share,OTH,0.5
!! 1
! ^integrid: measures: warning: dissimilarity is undefined for group 'EU_OTH' in 1 of 2 places \(Beta\): .+; value left empty$
# row order is the library's, whatever the order of --only
$ integrid measures --by CITY --only share,dissimilarity $DATA/tiny.csv 2>/dev/null | sed -n 2p
Alpha,dissimilarity,NAT,0.75
# no --by: one place called "all"; multigroup rows have an empty group.
# alpha.csv is Alpha alone: Simpson's concentration = (1/4)^2 + (1/4)^2 +
# (1/2)^2 = 3/8, interaction = 1 - 3/8 = 5/8.
$ integrid measures --only dissimilarity,share,simpsons_concentration,simpsons_interaction $DATA/alpha.csv
place,measure,group,value
all,dissimilarity,NAT,0.75
all,dissimilarity,EU_OTH,0.25
all,dissimilarity,OTH,0.375
all,share,NAT,0.25
all,share,EU_OTH,0.25
all,share,OTH,0.5
all,simpsons_concentration,,0.375
all,simpsons_interaction,,0.625
!! 0
# 17 significant digits: multigroup D on Alpha is 9/20, not exact in binary
$ integrid measures --only multi_dissimilarity $DATA/alpha.csv
place,measure,group,value
all,multi_dissimilarity,,0.45000000000000001
# --quiet drops the warnings, not the data
$ integrid measures --quiet --by CITY --only dissimilarity $DATA/tiny.csv | grep -c '^Beta,dissimilarity,EU_OTH,$'
1
!! 0
# standard input: '-', or no FILE at all
$ cat $DATA/alpha.csv | integrid measures --only share -
place,measure,group,value
all,share,NAT,0.25
all,share,EU_OTH,0.25
all,share,OTH,0.5
$ integrid measures --only share < $DATA/alpha.csv | tail -1
all,share,OTH,0.5
# a gzip-compressed file reads the same
$ gzip -c $DATA/alpha.csv > alpha.csv.gz && integrid measures --only share alpha.csv.gz | tail -1
all,share,OTH,0.5
# every measure without coordinates (the default): places x (single-group measures x groups + multigroup ones)
$ s=$(integrid measures --list --format csv | grep ',single,' | grep -c ',0,0$'); m=$(integrid measures --list --format csv | grep ',multi,' | grep -c ',0,0$'); n=$(integrid measures --by CITY $DATA/tiny.csv 2>/dev/null | wc -l); test "$n" -eq $((2 * (3 * s + m) + 1)) && echo rows ok
rows ok
# results do not depend on the number of threads
$ integrid measures --by CITY --threads 1 $DATA/tiny.csv > a.csv 2>/dev/null && integrid measures --by CITY --threads 2 $DATA/tiny.csv > b.csv 2>/dev/null && cmp a.csv b.csv && echo same
same
# simulated measures: the same seed gives the same values, --reps and --seed
# reach the library
$ integrid measures --only modified_dissimilarity --reps 50 --seed 7 $DATA/alpha.csv > a.csv && integrid measures --only modified_dissimilarity --reps 50 --seed 7 $DATA/alpha.csv > b.csv && cmp a.csv b.csv && echo same
same
$ integrid measures --only modified_dissimilarity --reps 50 --seed 7 $DATA/alpha.csv > a.csv && integrid measures --only modified_dissimilarity --reps 50 --seed 8 $DATA/alpha.csv > b.csv && cmp -s a.csv b.csv || echo seed matters
seed matters
$ integrid measures --only atkinson --atkinson-b 0.25 $DATA/alpha.csv > a.csv && integrid measures --only atkinson $DATA/alpha.csv > b.csv && cmp -s a.csv b.csv || echo b matters
b matters
