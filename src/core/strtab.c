/* String interning: open addressing with FNV-1a hashes. Ids are dense and
 * follow first insertion, so callers can keep parallel arrays. */
#include <string.h>

#include "core/core.h"

struct ig__strtab {
    ig_ctx *ctx;
    struct ent {
        char *s;
        size_t len;
    } *ents;
    size_t n, cap;
    uint32_t *slots; /* id + 1, 0 = empty */
    size_t n_slots;  /* power of two */
};

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

ig_status ig__strtab_create(ig_ctx *ctx, ig__strtab **out)
{
    ig__strtab *t = ig__calloc(ctx, 1, sizeof *t);
    if (!t) return IG_ERR_NOMEM;
    t->ctx = ctx;
    t->n_slots = 64;
    t->slots = ig__calloc(ctx, t->n_slots, sizeof *t->slots);
    if (!t->slots) {
        ig__free(ctx, t, sizeof *t);
        return IG_ERR_NOMEM;
    }
    *out = t;
    return IG_OK;
}

void ig__strtab_destroy(ig__strtab *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n; i++)
        ig__free(t->ctx, t->ents[i].s, t->ents[i].len + 1);
    ig__free(t->ctx, t->ents, t->cap * sizeof *t->ents);
    ig__free(t->ctx, t->slots, t->n_slots * sizeof *t->slots);
    ig__free(t->ctx, t, sizeof *t);
}

static size_t probe(const ig__strtab *t, const char *s, size_t len,
                    int *found)
{
    size_t mask = t->n_slots - 1;
    size_t i = (size_t)fnv1a(s, len) & mask;
    for (;;) {
        uint32_t v = t->slots[i];
        if (v == 0) {
            *found = 0;
            return i;
        }
        if (t->ents[v - 1].len == len &&
            memcmp(t->ents[v - 1].s, s, len) == 0) {
            *found = 1;
            return i;
        }
        i = (i + 1) & mask;
    }
}

static ig_status rehash(ig__strtab *t)
{
    size_t ns = t->n_slots * 2;
    uint32_t *slots = ig__calloc(t->ctx, ns, sizeof *slots);
    if (!slots) return IG_ERR_NOMEM;
    for (size_t id = 0; id < t->n; id++) {
        size_t i = (size_t)fnv1a(t->ents[id].s, t->ents[id].len) & (ns - 1);
        while (slots[i]) i = (i + 1) & (ns - 1);
        slots[i] = (uint32_t)(id + 1);
    }
    ig__free(t->ctx, t->slots, t->n_slots * sizeof *t->slots);
    t->slots = slots;
    t->n_slots = ns;
    return IG_OK;
}

int ig__strtab_find(const ig__strtab *t, const char *s, size_t len,
                    uint32_t *id)
{
    int found;
    size_t i = probe(t, s, len, &found);
    if (found) *id = t->slots[i] - 1;
    return found;
}

ig_status ig__strtab_intern(ig__strtab *t, const char *s, size_t len,
                            uint32_t *id)
{
    int found;
    size_t i = probe(t, s, len, &found);
    if (found) {
        *id = t->slots[i] - 1;
        return IG_OK;
    }
    if (t->n >= UINT32_MAX - 1) return IG_ERR_DOMAIN;
    if ((t->n + 1) * 2 > t->n_slots) {
        if (rehash(t) != IG_OK) return IG_ERR_NOMEM;
        i = probe(t, s, len, &found);
    }
    void *ents = t->ents;
    if (ig__grow(t->ctx, &ents, &t->cap, t->n + 1, sizeof *t->ents) != IG_OK)
        return IG_ERR_NOMEM;
    t->ents = ents;
    char *d = ig__strndup(t->ctx, s, len);
    if (!d) return IG_ERR_NOMEM;
    t->ents[t->n].s = d;
    t->ents[t->n].len = len;
    t->slots[i] = (uint32_t)(t->n + 1);
    *id = (uint32_t)t->n;
    t->n++;
    return IG_OK;
}

size_t ig__strtab_count(const ig__strtab *t)
{
    return t ? t->n : 0;
}

const char *ig__strtab_get(const ig__strtab *t, uint32_t id)
{
    return (t && id < t->n) ? t->ents[id].s : NULL;
}
