# `integrid serve`: its own options, checked before anything listens.
$ integrid serve --help | head -1
Usage: integrid serve [--data DIR] [--bind 127.0.0.1] [--port 8080]
$ integrid serve --frobnicate
? 2
! ^integrid: serve: unknown option or argument '--frobnicate'$
$ integrid serve --port 70000
? 2
! invalid value '70000' for --port: give 0 to 65535
$ integrid serve --port
? 2
! option '--port' needs a value
$ integrid serve --max-upload 12Q
? 2
! invalid value '12Q' for --max-upload
$ integrid serve --threads 0
? 2
! invalid value '0' for --threads
$ integrid serve --cache lots
? 2
! invalid value 'lots' for --cache
# the address and the token are checked by the library, before listening
$ integrid serve --bind localhost --port 0 --data d
? 2
! bind address 'localhost': not an IPv4 address
$ integrid serve --token short --port 0 --data d
? 2
! token: 16 to 64 printable ASCII characters
# start on a free port, print the address and the token once, stop on
# SIGTERM with status 0; the store file is created in --data
$ integrid serve --port 0 --data d 2> log & pid=$!; sleep 1; kill -TERM $pid; wait $pid; echo "exit $?"; grep -c '^token: [0-9a-f]\{32\}$' log; grep -c '^integrid serve: http://127.0.0.1:[0-9]*/ (data in d)$' log; test -f d/integrid.sqlite && echo store
exit 0
1
1
store
# a token from the environment is not printed
$ INTEGRID_TOKEN=0123456789abcdef0123 integrid serve --port 0 --data d -q 2> log & pid=$!; sleep 1; kill -TERM $pid; wait $pid; echo "exit $?"; wc -l < log
exit 0
0
