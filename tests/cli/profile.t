# `integrid profile`: the scale measures at several radii or k.
# tiny.csv: Alpha has two 1 km cells side by side (N2684000, E4334000 and
# E4335000), Beta two more 6 km away. At 500 m (below the cell size) every
# environment is its cell; from 1000 m on, each Alpha cell sees both, so
# Alpha's environments are the whole of Alpha and H(r) = D(r) = 0.
$ integrid profile $DATA/tiny.csv --by CITY --radii 500,1000,2000 --measures spatial_dissimilarity_multi,spatial_isolation --format csv | grep -e '^place' -e 'Alpha,spatial_dissimilarity_multi' -e 'Alpha,spatial_isolation,OTH'
place,measure,group,scale,value,unit,kernel
Alpha,spatial_isolation,OTH,500,0.5714285714285714,m,disc
Alpha,spatial_isolation,OTH,1000,0.5,m,disc
Alpha,spatial_isolation,OTH,2000,0.5,m,disc
Alpha,spatial_dissimilarity_multi,,500,0.45000000000000001,m,disc
Alpha,spatial_dissimilarity_multi,,1000,0,m,disc
Alpha,spatial_dissimilarity_multi,,2000,0,m,disc
! ^integrid: profile: warning: radius 500 m is below the cell size 1000 m
# the value at 500 m is the aspatial one
$ integrid measures $DATA/tiny.csv --by CITY --only multi_dissimilarity | grep Alpha
Alpha,multi_dissimilarity,,0.45000000000000001
# k nearest residents; one series per place, measure and group
$ integrid profile $DATA/tiny.csv --k 5,10 --measures spatial_information_theory
place,measure,group,scale,value,unit,kernel
all,spatial_information_theory,,5,0.25518543043985409,residents,knn
all,spatial_information_theory,,10,0.17707527966703873,residents,knn
# the slope per doubling of the scale, in JSON
$ integrid profile $DATA/tiny.csv --by CITY --radii 500,1000 --measures spatial_dissimilarity_multi --format json --quiet | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["scales"], [(s["place"], round(s["slope_per_doubling"], 12)) for s in d["series"]])'
[500, 1000] [('Alpha', -0.45), ('Beta', -0.25)]
# every kernel runs; results do not depend on the number of threads
$ for k in disc square gaussian biweight epanechnikov linear; do integrid profile $DATA/tiny.csv --radii 6100 --kernel $k --measures spatial_information_theory --quiet --threads 1 > a.csv && integrid profile $DATA/tiny.csv --radii 6100 --kernel $k --measures spatial_information_theory --quiet --threads 3 > b.csv && cmp a.csv b.csv && tail -1 a.csv | cut -d, -f2,4,7; done
spatial_information_theory,6100,disc
spatial_information_theory,6100,square
spatial_information_theory,6100,gaussian
spatial_information_theory,6100,biweight
spatial_information_theory,6100,epanechnikov
spatial_information_theory,6100,linear
# bad input: usage errors (exit 2) say how to fix them
$ integrid profile $DATA/tiny.csv
? 2
! ^integrid: profile: give the scales: --radii R1,R2,... \(metres\) or --k K1,K2,... \(nearest residents\), one of them$
! ^try 'integrid profile --help'$
$ integrid profile $DATA/tiny.csv --radii 0,500
? 2
! ^integrid: profile: invalid value '0,500' for --radii: expected distances in metres > 0
! ^try
$ integrid profile $DATA/tiny.csv --radii 500 --kernel tophat
? 2
! ^integrid: profile: invalid value 'tophat' for --kernel: unknown kernel "tophat": use one of disc, square, gaussian, biweight, epanechnikov, linear$
! ^try
$ integrid profile $DATA/tiny.csv --radii 500 --k 100
? 2
! ^integrid: profile: give the scales
! ^try
# a measure without a scale is a runtime error that names the right command
$ integrid profile $DATA/tiny.csv --radii 500 --measures dissimilarity
? 1
! ^integrid: profile: dissimilarity does not depend on a neighbourhood scale; compute it with 'integrid measures --only dissimilarity'$
# long-format input has no cells
$ integrid profile $DATA/long.csv --long school,group,n --radii 500
? 1
! ^integrid: profile: a profile needs grid cells
# confidence intervals and tests per scale (docs/inference.md), on the right;
# the same for any thread count
$ integrid profile $DATA/tiny.csv --by CITY --radii 500,1000 --measures spatial_isolation --ci --test --reps 99 --quiet --threads 1 > a.csv && integrid profile $DATA/tiny.csv --by CITY --radii 500,1000 --measures spatial_isolation --ci --test --reps 99 --quiet --threads 2 > b.csv && cmp a.csv b.csv && head -1 a.csv && awk -F, 'NR > 1 && $5 != "" && !($8 <= $5 && $5 <= $9) { bad++ } END { print bad + 0 }' a.csv
place,measure,group,scale,value,unit,kernel,ci_low,ci_high,ci_bca_low,ci_bca_high,null_mean,null_sd,p_value,expected,corrected,z
0
