# Hot spots (Getis-Ord Gi*) and LISA (local Moran's I): the CSV adds
# z,p_value,class. local_block.csv is a 6 x 6 block of 1 km cells whose
# south-west 3 x 3 corner has OTH = 12 against 2 elsewhere; NAT and EU_OTH
# vary a little from cell to cell. A disc of 1500 m holds the cell and its
# 8 neighbours.
$ integrid local --measure local_gi_star --radius-m 1500 $DATA/local_block.csv | head -1
cell,group,value,z,p_value,class
# the corner is a hot spot of OTH (Benjamini-Hochberg at q = 0.05: classes
# _99 and _95 only), and a cold spot of NAT
$ integrid local --measure local_gi_star --radius-m 1500 $DATA/local_block.csv | awk -F, 'NR > 1 { print $2, $6 }' | sort | uniq -c
     36 EU_OTH ns
      2 NAT cold_95
      4 NAT cold_99
     30 NAT ns
      6 OTH hot_99
     30 OTH ns
# a looser false discovery rate admits hot_90 cells
$ integrid local --measure local_gi_star --radius-m 1500 --fdr 0.2 $DATA/local_block.csv | awk -F, '$2 == "OTH" { print $6 }' | sort | uniq -c
      2 hot_90
      6 hot_99
     28 ns
# LISA: pseudo p-values from 999 permutations by default, so the smallest
# is 1/1000; the corner's core is HH for OTH
$ integrid local --measure local_moran --radius-m 1500 $DATA/local_block.csv | grep 'N2685000E4335000,OTH' | cut -d, -f2,5,6
OTH,0.001,HH
# --permutations N: p-values are multiples of 1/(N + 1)
$ integrid local --measure local_moran --radius-m 1500 --permutations 99 $DATA/local_block.csv | awk -F, 'NR > 1 && $5 != "" { d = $5 * 100 - int($5 * 100 + 0.5); if (d > 1e-9 || d < -1e-9) bad++; n++ } END { print n, bad + 0 }'
108 0
# reproducible: the same seed gives the same bytes, for any --threads; another
# seed other p-values
$ integrid local --measure local_moran --radius-m 1500 --seed 7 --threads 1 $DATA/local_block.csv > a.csv && integrid local --measure local_moran --radius-m 1500 --seed 7 --threads 2 $DATA/local_block.csv > b.csv && cmp a.csv b.csv && echo same
same
$ integrid local --measure local_moran --radius-m 1500 --seed 7 $DATA/local_block.csv > a.csv && integrid local --measure local_moran --radius-m 1500 --seed 8 $DATA/local_block.csv > b.csv && cmp -s a.csv b.csv || echo seed matters
seed matters
