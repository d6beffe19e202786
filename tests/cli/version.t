# the version comes from the VERSION file through ig_version_string()
$ integrid version
integrid @VERSION@
$ integrid --version
integrid @VERSION@
$ integrid version --help | head -1
Usage: integrid version
$ integrid version extra
? 2
! ^integrid: version: unexpected argument 'extra'$
