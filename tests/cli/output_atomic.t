# -o FILE is written atomically: a temporary file in the same directory,
# fsync, rename. Whatever goes wrong, no half-written file is left behind.
$ integrid measures --only share -o out.csv $DATA/alpha.csv && cat out.csv && ls -A
place,measure,group,value
all,share,NAT,0.25
all,share,EU_OTH,0.25
all,share,OTH,0.5
out.csv
!! 0
# an error during the run leaves no output file (and no temporary file)
$ integrid measures -o out.csv $DATA/bad_number.csv; echo "exit $?"; ls -A
exit 1
! ^integrid: measures: .*bad_number\.csv:3:
# an existing file is not touched by a failed run
$ echo old > out.csv && integrid measures -o out.csv $DATA/bad_number.csv 2>/dev/null; echo "exit $?"; cat out.csv; ls -A
exit 1
old
out.csv
# ... and replaced whole by a good one
$ echo old > out.csv && integrid measures --only share -o out.csv $DATA/alpha.csv && tail -1 out.csv && ls -A
all,share,OTH,0.5
out.csv
# the file gets the usual permissions (0666 minus the umask), not 0600
$ umask 022 && integrid measures --only share -o out.csv $DATA/alpha.csv && ls -l out.csv | cut -c1-10
-rw-r--r--
# nothing on stdout when -o is given; csv by default in a file
$ integrid measures --only share -o out.csv $DATA/alpha.csv | wc -c && head -1 out.csv
0
place,measure,group,value
# json and table to files too
$ integrid measures --format json --only share -o out.json $DATA/alpha.csv && head -1 out.json
{
$ integrid info -o info.txt $DATA/alpha.csv && grep -c '^cells  ' info.txt
1
# an output folder that does not exist: a clear error, before any work
$ integrid measures -o nodir/out.csv $DATA/alpha.csv
? 1
!! 1
! ^integrid: measures: cannot create output file 'nodir/out\.csv' \(in directory 'nodir/'\): No such file or directory$
$ touch f && integrid measures -o f/out.csv $DATA/alpha.csv
? 1
! ^integrid: measures: cannot create output file 'f/out\.csv' .*: Not a directory$
$ mkdir d && integrid measures -o d $DATA/alpha.csv; echo "exit $?"; ls -A d
exit 1
! ^integrid: measures: cannot write output to 'd': it is a directory$
# a folder we may not write to (root may write anywhere: skipped for root)
$ mkdir ro && chmod 555 ro && if [ "$(id -u)" = 0 ]; then echo exit 1; else integrid measures -o ro/out.csv $DATA/alpha.csv 2>err.txt; echo "exit $?"; grep -q "cannot create output file 'ro/out.csv' (in directory 'ro/'): Permission denied" err.txt || cat err.txt; fi; ls -A ro
exit 1
# killed mid-run (SIGTERM): the temporary file is removed
$ integrid measures --only modified_dissimilarity --reps 100000000 -o out.csv $DATA/tiny.csv & pid=$!; i=0; while [ $i -lt 300 ] && ! ls -A | grep -q '^\.out\.csv\.'; do sleep 0.1; i=$((i + 1)); done; ls -A | grep -c '^\.out\.csv\.'; kill -TERM $pid; wait $pid; echo "status $?"; ls -A
1
status 143
# standard output that cannot take the data is a runtime error too
% test -w /dev/full
$ integrid measures --only share $DATA/alpha.csv > /dev/full
? 1
!! 1
! ^integrid: measures: cannot write to standard output: No space left on device$
$ integrid version > /dev/full
? 1
! ^integrid: version: cannot write to standard output
