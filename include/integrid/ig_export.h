/** @file ig_export.h
 *  @brief Symbol visibility for the public API (libuv UV_EXTERN style). */
#ifndef IG_EXPORT_H
#define IG_EXPORT_H

#if defined(_WIN32)
#define IG_API
#elif defined(__GNUC__) || defined(__clang__)
#define IG_API __attribute__((visibility("default")))
#else
#define IG_API
#endif

#endif /* IG_EXPORT_H */
