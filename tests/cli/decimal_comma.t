# ';'-separated input with decimal commas and CRLF line ends, as many EU
# offices export it. semicolon_decimal_comma.csv is alpha.csv halved
# (2;0,5;1 and 0;1,5;3,0): D and shares do not change with scale.
$ integrid measures --only dissimilarity,share $DATA/semicolon_decimal_comma.csv
place,measure,group,value
all,dissimilarity,NAT,0.75
all,dissimilarity,EU_OTH,0.25
all,dissimilarity,OTH,0.375
all,share,NAT,0.25
all,share,EU_OTH,0.25
all,share,OTH,0.5
!! 0
# what info detected
$ integrid info $DATA/semicolon_decimal_comma.csv | grep -e '^delimiter' -e '^decimal comma' -e '^rows read'
rows read          2
delimiter          ';'
decimal comma      yes
# the same when forced
$ integrid measures --sep ';' --decimal-comma --only share $DATA/semicolon_decimal_comma.csv | tail -1
all,share,OTH,0.5
$ integrid measures --sep semicolon --only share $DATA/semicolon_decimal_comma.csv | tail -1
all,share,OTH,0.5
# a value that is not a number: a runtime error located at file:line:column
$ integrid measures --only share $DATA/bad_number.csv
? 1
!! 1
! ^integrid: measures: .*bad_number\.csv:3:[0-9]+: .*EU_OTH.*1,5e
