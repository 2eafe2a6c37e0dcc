/* What this binary is: the version it was built as. */
#ifndef CORE_VERSION_H
#define CORE_VERSION_H

/* The Makefile's VERSION: `git describe` of a tagged commit, else the release and the
 * commit it was built from, else the release alone (a build without .git). */
extern const char rendicion_version[];

#endif
