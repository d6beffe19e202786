# Errors of `integrid local`. Usage errors exit 2 with the problem and a
# hint, before the input is opened (so x.csv need not exist) and without
# touching -o; runtime errors exit 1 with one line.
$ integrid local --measure local_shar --radius-m 1000 x.csv
? 2
!! 2
! ^integrid: local: unknown local measure 'local_shar' \(did you mean local_share\?\); known: local_share, local_location_quotient, local_entropy, local_diversity_normalized, local_simpson_interaction, local_simpson_concentration, local_dissimilarity_contribution, local_exposure, local_relative_centralization, local_gi_star, local_moran$
! ^try 'integrid local --help'$
$ integrid local --measure nothing_like_it --radius-m 1000 x.csv
? 2
! ^integrid: local: unknown local measure 'nothing_like_it'; known: local_share, 
$ integrid local --radius-m 1000 x.csv
? 2
! --measure NAME is required
# the scale: exactly one of --radius-m and --k, and a radius for Gi*/LISA
$ integrid local --measure local_share --radius-m 1000 --k 200 x.csv
? 2
! ^integrid: local: give --radius-m or --k, not both$
$ integrid local --measure local_share x.csv
? 2
! ^integrid: local: local_share needs a neighbourhood: give --radius-m R \(metres\) or --k K \(nearest residents\)$
$ integrid local --measure local_moran --k 200 x.csv
? 2
! ^integrid: local: local_moran needs a kernel radius: give --radius-m R instead of --k
$ integrid local --measure local_gi_star --k 200 x.csv
? 2
! local_gi_star needs a kernel radius
# values are range-checked
$ integrid local --measure local_share --radius-m 0 x.csv
? 2
! invalid value '0' for --radius-m
$ integrid local --measure local_share --k 0.5 x.csv
? 2
! invalid value '0.5' for --k
$ integrid local --measure local_share --radius-m 1000 --kernel cone x.csv
? 2
! invalid value 'cone' for --kernel: .*disc, square, gaussian, biweight, epanechnikov, linear
$ integrid local --measure local_gi_star --radius-m 1000 --fdr 1 x.csv
? 2
! invalid value '1' for --fdr
$ integrid local --measure local_moran --radius-m 1000 --permutations 0 x.csv
? 2
! invalid value '0' for --permutations
$ integrid local --measure local_share --radius-m 1000 --edge town x.csv
? 2
! invalid value 'town' for --edge
# the output format comes from the name given to -o
$ integrid local --measure local_share --radius-m 1000 -o out.txt x.csv; rc=$?; ls; exit $rc
? 2
! ^integrid: local: cannot tell the output format from 'out.txt': use a name ending in \.csv, \.geojson or \.tif$
$ integrid local --list x.csv
? 2
! --list takes no FILE
# runtime errors: exit 1, one line, no output file left behind
$ integrid local --measure local_share --radius-m 1000 -o out.csv x.csv; rc=$?; ls; exit $rc
? 1
!! 1
! ^integrid: local: x.csv: cannot open the file
$ integrid local --measure local_share --radius-m 1000 --long school,group,n $DATA/long.csv
? 1
!! 1
! ^integrid: local: local_share needs grid cells with coordinates; this grid has aspatial units \(long format\): read a file with cell codes or x/y columns$
