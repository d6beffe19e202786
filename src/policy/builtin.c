/* The frameworks shipped with integrid, embedded into the library at build
 * time from data/frameworks/ (src/policy/embed.cmake), so an installed
 * binary needs no data files. They are parsed on each load like any other
 * framework file, so the shipped file is validated by the same code. */
#include <stdio.h>
#include <string.h>

#include "policy/policy_embed.h"
#include "policy/policy_impl.h"

size_t ig_policy_builtin_count(void)
{
    return ig__policy_embedded_count;
}

const char *ig_policy_builtin_id(size_t i)
{
    return i < ig__policy_embedded_count ? ig__policy_embedded_list[i].id
                                         : NULL;
}

const char *ig_policy_builtin_text(size_t i, size_t *len)
{
    if (i >= ig__policy_embedded_count) return NULL;
    if (len) *len = ig__policy_embedded_list[i].len;
    return ig__policy_embedded_list[i].text;
}

ig_status ig_policy_framework_builtin(ig_ctx *ctx, const char *id,
                                      ig_policy_framework **out, ig_error *err)
{
    if (!id || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0, "id and out required");
    char known[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < ig__policy_embedded_count; i++) {
        const ig__policy_embedded *e = &ig__policy_embedded_list[i];
        if (!strcmp(e->id, id)) {
            char name[128];
            snprintf(name, sizeof name, "(built-in) %s.json", e->id);
            return ig_policy_framework_parse(ctx, e->text, e->len, name, out,
                                             err);
        }
        if (len < sizeof known - 64)
            len += (size_t)snprintf(known + len, sizeof known - len, "%s%s",
                                    i ? ", " : "", e->id);
    }
    return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                         "no built-in framework \"%s\"; known: %s (or give a "
                         "framework file)",
                         id, known);
}
