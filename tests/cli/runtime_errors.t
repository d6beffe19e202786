# Runtime errors: exit status 1 and ONE line on stderr,
# `integrid: <cmd>: <file:line:column: message>`; nothing on stdout.
$ integrid measures no_such_file.csv
? 1
!! 1
! ^integrid: measures: no_such_file\.csv: .*([Nn]o such file|cannot open|not found)
$ integrid info no_such_file.csv
? 1
!! 1
! ^integrid: info: no_such_file\.csv: 
# a value that is not a number, with its line and column
$ integrid measures $DATA/bad_number.csv
? 1
!! 1
! ^integrid: measures: .*bad_number\.csv:3:[0-9]+: 
$ integrid info $DATA/bad_number.csv
? 1
!! 1
! ^integrid: info: .*bad_number\.csv:3:[0-9]+: 
# a group column that is not there
$ integrid measures --groups NAT,FOREIGN $DATA/tiny.csv
? 1
!! 1
! ^integrid: measures: .*FOREIGN
# a --by column that is not there
$ integrid measures --by COUNTRY $DATA/tiny.csv
? 1
!! 1
! ^integrid: measures: .*COUNTRY
# empty input on stdin
$ : | integrid measures -
? 1
!! 1
! ^integrid: measures: 
# a directory is not a grid
$ integrid info $DATA
? 1
!! 1
! ^integrid: info: 
