# CSV output of `integrid local` (the contract in docs/man/integrid-local.1.md):
# cell,value for multigroup measures, cell,group,value for per-group ones;
# rows cell by cell in grid order; 17 significant digits; an empty value
# where it is undefined, with one warning per reason on stderr.
#
# local_row.csv: 1 km cells on one row, counts (NAT, EU_OTH, OTH):
#   E4334 (6,1,1), E4335 (2,1,5), E4336 (4,2,2), and E4344 (0,0,0) far off.
# A disc of 1000 m holds the cell and its rook neighbours (the diagonal is
# 1414 m away):
#   E4334: E4334 + E4335          = (8, 2, 6) of 16  -> 1/2, 1/8, 3/8
#   E4335: all three              = (12, 4, 8) of 24 -> 1/2, 1/6, 1/3
#   E4336: E4335 + E4336          = (6, 3, 7) of 16  -> 3/8, 3/16, 7/16
#   E4344: nobody within reach: an empty neighbourhood, values left empty
$ integrid local --measure local_share --radius-m 1000 $DATA/local_row.csv
cell,group,value
CRS3035RES1000mN2684000E4334000,NAT,0.5
CRS3035RES1000mN2684000E4334000,EU_OTH,0.125
CRS3035RES1000mN2684000E4334000,OTH,0.375
CRS3035RES1000mN2684000E4335000,NAT,0.5
CRS3035RES1000mN2684000E4335000,EU_OTH,0.16666666666666666
CRS3035RES1000mN2684000E4335000,OTH,0.33333333333333331
CRS3035RES1000mN2684000E4336000,NAT,0.375
CRS3035RES1000mN2684000E4336000,EU_OTH,0.1875
CRS3035RES1000mN2684000E4336000,OTH,0.4375
CRS3035RES1000mN2684000E4344000,NAT,
CRS3035RES1000mN2684000E4344000,EU_OTH,
CRS3035RES1000mN2684000E4344000,OTH,
!! 1
! ^integrid: local: warning: 1 cell with an empty neighbourhood \(no residents within reach\); values left empty$
# multigroup: one value per cell. Simpson's concentration (sum of squared
# shares): 1/4 + 1/64 + 9/64 = 13/32; 1/4 + 1/36 + 1/9 = 7/18;
# 9/64 + 9/256 + 49/256 = 47/128
$ integrid local --measure local_simpson_concentration --radius-m 1000 $DATA/local_row.csv
cell,value
CRS3035RES1000mN2684000E4334000,0.40625
CRS3035RES1000mN2684000E4335000,0.3888888888888889
CRS3035RES1000mN2684000E4336000,0.3671875
CRS3035RES1000mN2684000E4344000,
!! 1
# location quotients against the place's (12, 4, 8) of 24 = (1/2, 1/6, 1/3):
# E4334: 1, (1/8)/(1/6) = 3/4, (3/8)/(1/3) = 9/8
$ integrid local --measure local_location_quotient --radius-m 1000 $DATA/local_row.csv 2>/dev/null | sed -n 2,4p
CRS3035RES1000mN2684000E4334000,NAT,1
CRS3035RES1000mN2684000E4334000,EU_OTH,0.75
CRS3035RES1000mN2684000E4334000,OTH,1.125
# each cell's term of the spatial D: I = 1/4 + 5/36 + 2/9 = 11/18 and
# t / (2 T I) = 8 / (48 * 11/18) = 3/11, so
#   E4334: 3/11 (0 + 1/24 + 1/24) = 1/44; E4335: 0 (its neighbourhood is the
#   place); E4336: 3/11 (1/8 + 1/48 + 5/48) = 3/44; E4344: no residents, 0.
$ integrid local --measure local_dissimilarity_contribution --radius-m 1000 $DATA/local_row.csv
cell,value
CRS3035RES1000mN2684000E4334000,0.022727272727272728
CRS3035RES1000mN2684000E4335000,0
CRS3035RES1000mN2684000E4336000,0.068181818181818177
CRS3035RES1000mN2684000E4344000,0
!! 0
# they sum to the place's spatial D(1000 m) = 4/44 = 1/11
$ integrid local --measure local_dissimilarity_contribution --radius-m 1000 $DATA/local_row.csv | awk -F, 'NR > 1 { s += $2 } END { printf "%.12f\n", s }'
0.090909090909
# the 8 nearest residents of each populated cell are its own 8; the empty
# cell's are the 8 of the nearest populated cell (E4336), so it has a value
$ integrid local --measure local_share --k 8 $DATA/local_row.csv
cell,group,value,reach_m
CRS3035RES1000mN2684000E4334000,NAT,0.75,0
CRS3035RES1000mN2684000E4334000,EU_OTH,0.125,0
CRS3035RES1000mN2684000E4334000,OTH,0.125,0
CRS3035RES1000mN2684000E4335000,NAT,0.25,0
CRS3035RES1000mN2684000E4335000,EU_OTH,0.125,0
CRS3035RES1000mN2684000E4335000,OTH,0.625,0
CRS3035RES1000mN2684000E4336000,NAT,0.5,0
CRS3035RES1000mN2684000E4336000,EU_OTH,0.25,0
CRS3035RES1000mN2684000E4336000,OTH,0.25,0
CRS3035RES1000mN2684000E4344000,NAT,0.5,8000
CRS3035RES1000mN2684000E4344000,EU_OTH,0.25,8000
CRS3035RES1000mN2684000E4344000,OTH,0.25,8000
!! 0
# --by: each place against its own figures, rows in place order. In tiny.csv
# Alpha's two cells are neighbours, and so are Beta's, so every
# neighbourhood is its whole place: LQ 1; EU_OTH has no residents in Beta,
# so its LQ is undefined there (one warning for the place and group)
$ integrid local --measure local_location_quotient --radius-m 1000 --by CITY $DATA/tiny.csv
cell,group,value
CRS3035RES1000mN2684000E4334000,NAT,1
CRS3035RES1000mN2684000E4334000,EU_OTH,1
CRS3035RES1000mN2684000E4334000,OTH,1
CRS3035RES1000mN2684000E4335000,NAT,1
CRS3035RES1000mN2684000E4335000,EU_OTH,1
CRS3035RES1000mN2684000E4335000,OTH,1
CRS3035RES1000mN2690000E4340000,NAT,1
CRS3035RES1000mN2690000E4340000,EU_OTH,
CRS3035RES1000mN2690000E4340000,OTH,1
CRS3035RES1000mN2690000E4341000,NAT,1
CRS3035RES1000mN2690000E4341000,EU_OTH,
CRS3035RES1000mN2690000E4341000,OTH,1
!! 1
! ^integrid: local: warning: local_location_quotient is undefined for group 'EU_OTH' in place Beta: the group has no residents in the place, so its share there is 0; values left empty$
# centralization needs no neighbourhood. The centre is the population-
# weighted centroid, the centre of E4335: NAT lives 2 of 12 there and the
# rest 6 of 12, so the gap is 1/6 - 1/2 = -1/3; every other cell is at or
# beyond the second ring, where both curves have reached 1
$ integrid local --measure local_relative_centralization $DATA/local_row.csv | grep E4335
CRS3035RES1000mN2684000E4335000,NAT,-0.33333333333333337
CRS3035RES1000mN2684000E4335000,EU_OTH,-0.099999999999999978
CRS3035RES1000mN2684000E4335000,OTH,0.4375
$ integrid local --measure local_relative_centralization --radius-m 500 $DATA/local_row.csv > /dev/null
!! 1
! ^integrid: local: warning: local_relative_centralization uses no neighbourhood: --radius-m and --k are ignored$
# -o writes the same bytes atomically; the results do not depend on --threads
$ integrid local --measure local_entropy --radius-m 1500 $DATA/local_block.csv --threads 1 > a.csv && integrid local --measure local_entropy --radius-m 1500 $DATA/local_block.csv --threads 2 -o b.csv && cmp a.csv b.csv && ls
a.csv
b.csv
# a cell where a group is not available (with_na.csv: OTH = -9999 at
# E4336) is left out of every neighbourhood and gets no values
$ integrid local --measure local_share --radius-m 1000 $DATA/with_na.csv | grep E4336
CRS3035RES1000mN2684000E4336000,NAT,
CRS3035RES1000mN2684000E4336000,EU_OTH,
CRS3035RES1000mN2684000E4336000,OTH,
!! 1
! ^integrid: local: warning: 1 cell left out because a group is not available there \(--na-as-zero counts it as 0\); values left empty$
# --na-as-zero counts it as 0: E4336 with E4335 = (5, 5, 6) of 16
$ integrid local --measure local_share --radius-m 1000 --na-as-zero $DATA/with_na.csv | grep E4336
CRS3035RES1000mN2684000E4336000,NAT,0.3125
CRS3035RES1000mN2684000E4336000,EU_OTH,0.3125
CRS3035RES1000mN2684000E4336000,OTH,0.375
!! 0
# the contributions add up to the registry's spatial_dissimilarity_multi
$ a=$(integrid local --measure local_dissimilarity_contribution --radius-m 1000 $DATA/local_block.csv | awk -F, 'NR > 1 { s += $2 } END { printf "%.12f", s }'); b=$(integrid measures --only spatial_dissimilarity_multi --radius-m 1000 $DATA/local_block.csv | awk -F, 'NR == 2 { printf "%.12f", $4 }'); test "$a" = "$b" && echo "$a"
0.254392622675
