/* Defensive macros after SQLite's testcase()/ALWAYS()/NEVER() (public
 * domain; also adopted by uber/h3 in h3Assert.h).
 *
 * ALWAYS(X): X is believed always true. In debug builds (no NDEBUG) a false
 * X aborts through assert(); in release builds the value of X is returned so
 * the defensive branch still runs.
 * NEVER(X): the same for conditions believed always false. */
#ifndef IG_ASSERT_H
#define IG_ASSERT_H

#include <assert.h>

#ifndef NDEBUG
#define ALWAYS(X) ((X) ? 1 : (assert(0), 0))
#define NEVER(X) ((X) ? (assert(0), 1) : 0)
#else
#define ALWAYS(X) (X)
#define NEVER(X) (X)
#endif

#endif /* IG_ASSERT_H */
