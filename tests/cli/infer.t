# Inference columns of `integrid measures` (docs/inference.md): --ci adds
# ci_low,ci_high,ci_bca_low,ci_bca_high on the right, --test adds
# null_mean,null_sd,p_value,expected,corrected,z; without them the output
# is unchanged (measures_csv.t). tiny.csv: Alpha NAT has D = 0.75.
$ integrid measures --by CITY --only dissimilarity --ci --reps 99 $DATA/tiny.csv 2>/dev/null | head -1
place,measure,group,value,ci_low,ci_high,ci_bca_low,ci_bca_high
$ integrid measures --by CITY --only dissimilarity --test --reps 99 $DATA/tiny.csv 2>/dev/null | head -1
place,measure,group,value,null_mean,null_sd,p_value,expected,corrected,z
# p = (1 + #draws >= D) / (1 + reps) is a multiple of 1/100 with 99 draws
$ integrid measures --by CITY --only dissimilarity --ci --test --reps 99 --seed 7 $DATA/tiny.csv 2>/dev/null | cut -d, -f1-4 | head -2
place,measure,group,value
Alpha,dissimilarity,NAT,0.75
$ integrid measures --by CITY --only dissimilarity --test --reps 99 $DATA/tiny.csv 2>/dev/null | awk -F, 'NR > 1 && $7 != "" { k = $7 * 100; if (k < 0.999 || k > 100.001 || (k - int(k + 0.5)) ^ 2 > 1e-12) bad = 1 } END { print bad ? "bad" : "ok" }'
ok
# undefined rows keep every inference column empty
$ integrid measures --by CITY --only dissimilarity --ci --test --reps 20 $DATA/tiny.csv 2>/dev/null | grep EU_OTH | tail -1
Beta,dissimilarity,EU_OTH,,,,,,,,,,,
# the same seed gives the same numbers on 1 and 2 threads
$ integrid measures --by CITY --ci --test --reps 50 --threads 1 $DATA/tiny.csv > a.csv 2>/dev/null && integrid measures --by CITY --ci --test --reps 50 --threads 2 $DATA/tiny.csv > b.csv 2>/dev/null && cmp a.csv b.csv && echo same
same
# JSON rows carry the same fields, and the run's settings
$ integrid measures --by CITY --only multi_dissimilarity --test --reps 99 --format json $DATA/tiny.csv | grep -c '"p_value": 0\.'
2
$ integrid measures --by CITY --only multi_dissimilarity --ci --reps 9 --level 0.9 --format json $DATA/tiny.csv | grep '"inference"'
  "inference": {"reps": 9, "seed": 1, "level": 0.90000000000000002, "resample": "residents", "partial": false},
# benchmark: the place's rows get the inference columns on the right, the
# same on every comparison set, p a multiple of 1/100
$ integrid benchmark --by CITY --place Alpha --measures dissimilarity --ci --test --reps 99 --format csv $DATA/tiny.csv 2>/dev/null | head -1
place,measure,group,value,set,n,rank,percentile,median,ci_low,ci_high,null_mean,null_sd,p_value
$ integrid benchmark --by CITY --place Alpha --measures dissimilarity --ci --test --reps 99 --format csv $DATA/tiny.csv 2>/dev/null | awk -F, '$3 == "NAT" { print $10 != "" && $10 <= $4 && $4 <= $11, ($14 * 100) == int($14 * 100 + 0.5) }' | sort -u
1 1
$ integrid benchmark --by CITY --place Alpha --measures dissimilarity --test --reps 99 --format csv $DATA/tiny.csv 2>/dev/null | awk -F, 'NR > 1 && $3 == "NAT"' | cut -d, -f10- | sort -u | wc -l
1
# --noise: the noise columns on the right; it also widens --ci
$ integrid measures --by CITY --only dissimilarity --ci --test --noise round:3 --reps 19 $DATA/tiny.csv 2>/dev/null | head -1
place,measure,group,value,ci_low,ci_high,ci_bca_low,ci_bca_high,null_mean,null_sd,p_value,expected,corrected,z,noise_bias,noise_sd,noise_share
$ integrid measures --by CITY --only dissimilarity --noise perturb:2 --reps 19 $DATA/tiny.csv 2>/dev/null | head -1
place,measure,group,value,noise_bias,noise_sd,noise_share
$ integrid measures --by CITY --noise round:1 $DATA/tiny.csv
? 2
! ^integrid: measures: --noise: noise model 'round:1': give the base B as a whole number from 2 to 1000000, e.g. round:3$
! ^try 'integrid measures --help'$
$ integrid benchmark --by CITY --place Alpha --measures dissimilarity --noise round:3 --reps 19 --format csv $DATA/tiny.csv 2>/dev/null | head -1
place,measure,group,value,set,n,rank,percentile,median,noise_bias,noise_sd,noise_share
# bad input
$ integrid measures --by CITY --test --null bogus $DATA/tiny.csv
? 2
! ^integrid: measures: unknown --null 'bogus'; use random, permutation, systematic, evenness or composition$
$ integrid measures --by CITY --ci --resample people $DATA/tiny.csv
? 2
! ^integrid: measures: unknown --resample 'people'
$ integrid measures --by CITY --test --null composition $DATA/tiny.csv
? 1
! is a two-sample counterfactual
$ integrid measures --by CITY --ci --resample cells --only spatial_isolation $DATA/tiny.csv
? 1
! cells cannot be resampled for a spatial measure
