/* The files the server sends from memory: the browser UI (web/) and the
 * OpenAPI document, embedded at build time by src/server/embed.cmake. Each
 * blob is followed by a NUL byte (not counted in len). */
#ifndef IG_SERVER_ASSETS_H
#define IG_SERVER_ASSETS_H

#include <stddef.h>

typedef struct ig__asset {
    const char *url;          /* "/app.js" */
    const char *content_type; /* "text/javascript; charset=utf-8" */
    const unsigned char *data;
    size_t len;
} ig__asset;

extern const ig__asset ig__assets[];
extern const size_t ig__asset_count;

#endif
