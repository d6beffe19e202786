# The progress bar: only on a terminal, only after a second
# (INTEGRID_PROGRESS_DELAY=0 removes the wait for this test), never with
# --no-progress, and erased before the program ends.
# Not a terminal: nothing on stderr.
$ INTEGRID_PROGRESS_DELAY=0 integrid measures --only share $DATA/alpha.csv > /dev/null
!! 0
% command -v script
# a terminal, from script(1)
# The bar is erased before the warning that follows it (the warning does not
# share a line with the bar) and the warning is still there.
$ INTEGRID_PROGRESS_DELAY=0 script -qec "integrid measures --by CITY -o out.csv $DATA/tiny.csv" /dev/null > tty.txt; if grep -q 'computing \[' tty.txt; then echo bar shown; fi; tr '\r' '\n' < tty.txt | grep 'warning: dissimilarity' | grep -vc computing
bar shown
1
$ INTEGRID_PROGRESS_DELAY=0 script -qec "integrid measures --no-progress --by CITY -o out.csv $DATA/tiny.csv" /dev/null > tty.txt; grep -c 'computing' tty.txt
0
? 1
# on a terminal with the default delay a quick run shows no bar
$ script -qec "integrid measures --by CITY -o out.csv $DATA/tiny.csv" /dev/null > tty.txt; grep -c 'computing' tty.txt
0
? 1
