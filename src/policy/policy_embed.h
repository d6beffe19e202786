/* The frameworks embedded at build time (src/policy/embed.cmake). */
#ifndef IG_POLICY_EMBED_H
#define IG_POLICY_EMBED_H

#include <stddef.h>

typedef struct ig__policy_embedded {
    const char *id;
    const char *text; /* not NUL-terminated */
    size_t len;
} ig__policy_embedded;

extern const ig__policy_embedded ig__policy_embedded_list[];
extern const size_t ig__policy_embedded_count;

#endif
