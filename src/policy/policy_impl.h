/* Internals of the policy module (src/policy): an arena for the parsed
 * framework and assessment, a growable text buffer, the JSON position
 * index over jansson documents, and the rule-expression engine. */
#ifndef IG_POLICY_IMPL_H
#define IG_POLICY_IMPL_H

#include <stddef.h>

#include <jansson.h>

#include "core/core.h"
#include "integrid/ig_policy.h"

/* ---- arena (arena.c) ---------------------------------------------------- */

/* Everything a framework or assessment holds lives in one arena: freeing
 * it is one call, and a failed allocation leaves nothing to unwind. */
typedef struct ig__arena_chunk ig__arena_chunk;
typedef struct ig__arena {
    ig_ctx *ctx;
    ig__arena_chunk *head;
} ig__arena;

void ig__arena_init(ig__arena *a, ig_ctx *ctx);
void ig__arena_free(ig__arena *a);
/* n zeroed bytes aligned for any type; NULL on failure. */
void *ig__arena_alloc(ig__arena *a, size_t n);
char *ig__arena_strdup(ig__arena *a, const char *s);

/* ---- text buffer (arena.c) --------------------------------------------- */

typedef struct ig__sbuf {
    ig_ctx *ctx;
    char *p;
    size_t len, cap;
    int failed; /* an append ran out of memory */
} ig__sbuf;

void ig__sbuf_init(ig__sbuf *b, ig_ctx *ctx);
void ig__sbuf_free(ig__sbuf *b);
void ig__sbuf_add(ig__sbuf *b, const char *s, size_t n);
void ig__sbuf_puts(ig__sbuf *b, const char *s);
void ig__sbuf_printf(ig__sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A JSON string literal / a CSV field (quoted when needed). */
void ig__sbuf_json_str(ig__sbuf *b, const char *s);
void ig__sbuf_csv_str(ig__sbuf *b, const char *s);
/* A number that round-trips (shortest of %.15g / %.17g). */
void ig__sbuf_num(ig__sbuf *b, double v);

/* ---- JSON with positions (jsonpos.c) ----------------------------------- */

/* jansson keeps no positions for values, so after it has parsed (and
 * checked the syntax of) a document, one pass over the same text in step
 * with the tree records where each value and each object key starts. */
typedef struct ig__jpos {
    const void *v; /* a json_t, or an object key string of jansson's */
    long line, col;         /* the value */
    long key_line, key_col; /* its key, when it is an object member */
} ig__jpos;

typedef struct ig__jdoc {
    ig_ctx *ctx;
    json_t *root;
    ig__jpos *pos; /* sorted by v */
    size_t n_pos, cap_pos;
    const char *name; /* for messages */
} ig__jdoc;

/* Parse text as one JSON document (duplicate keys rejected). */
ig_status ig__jdoc_parse(ig__jdoc *d, ig_ctx *ctx, const char *text,
                         size_t len, const char *name, ig_error *err);
void ig__jdoc_free(ig__jdoc *d);
/* Position of v (its key when key != 0 and it has one); 0s when unknown
 * (true, false and null are shared by jansson: their parent is used). */
void ig__jdoc_where(const ig__jdoc *d, const void *v, int key, long *line,
                    long *col);
/* What to point at for member key of obj: its value, or its key when the
 * value is true/false/null, or obj when there is no such member. */
const void *ig__jdoc_member(const json_t *obj, const char *key);
/* An error at v: sets file, line, column. */
ig_status ig__jdoc_error(const ig__jdoc *d, ig_error *err, ig_status st,
                         const void *v, int key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* ---- rules (rule.c) ---------------------------------------------------- */

/* A rule is parsed into a small tree each time it is evaluated: rules are
 * short and evaluated a few hundred times per assessment at most. */

/* Variable lookup: returns 1 and sets *num (numbers) or *str (strings)
 * when the variable is known and has a value; 0 when it has no value
 * (the comparison is then unknown); -1 when the name is not a variable. */
typedef int (*ig__rule_var_fn)(void *ud, const char *name, size_t len,
                               double *num, const char **str);

/* Tri-state result. */
enum { IG__RULE_FALSE = 0, IG__RULE_TRUE = 1, IG__RULE_UNKNOWN = 2 };

/* Parse and (with a non-NULL var) evaluate. With var NULL only the syntax
 * is checked; with check_names, names are checked against var (-1 is an
 * error). Errors carry the 1-based column in rule. */
ig_status ig__rule_eval(const char *rule, ig__rule_var_fn var, void *ud,
                        int *result, ig_error *err);

/* ---- shared internals -------------------------------------------------- */

struct ig_policy_framework {
    ig__arena arena;
    ig_policy_framework_info info;
    ig_policy_block *blocks;
    ig_policy_area *areas;
    ig_policy_indicator *indicators;
    ig_policy_recommendation *recs;
};

typedef struct ig__policy_ctxval {
    const char *name;
    double value;
} ig__policy_ctxval;

typedef struct ig__policy_outcome {
    const char *indicator;
    double value, score;
    const char *note;
} ig__policy_outcome;

struct ig_policy_assessment {
    ig__arena arena;
    ig_policy_assessment_info info;
    ig_policy_answer *answers;
    ig__policy_ctxval *context;
    size_t n_context;
    ig__policy_outcome *outcomes;
    size_t n_outcomes, cap_outcomes;
    char file[IG_ERROR_FILE_MAX];
};

/* Read a whole file into an ig__alloc'd buffer (NUL-terminated). */
ig_status ig__policy_slurp(ig_ctx *ctx, const char *path, char **out,
                           size_t *len, ig_error *err);

/* Option index of code in indicator ind, or (size_t)-1. */
size_t ig__policy_option_find(const ig_policy_indicator *ind, const char *code);

/* 1 for "na"/"not_applicable", 2 for "dont_know" (numeric answers). */
int ig__policy_special_answer(const char *s);

/* Known outcome names (framework validation, grid computation). */
int ig__policy_outcome_known(const char *name);

#endif /* IG_POLICY_IMPL_H */
