#ifndef PAYGATE_CHIREDIS_SHIM_H
#define PAYGATE_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>

// hiredis 0.14.1 (Debian 12), the old synchronous API. The context's error text is a char array
// inside the struct, which Swift sees as a 128-element tuple; this hands it over as a C string.
// Redis (the Swift module) is the only caller.
static inline const char *paygate_redis_error_text(const redisContext *context) {
    return context->errstr;
}

#endif
