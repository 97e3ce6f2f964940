#ifndef PAYGATE_CZLIB_SHIM_H
#define PAYGATE_CZLIB_SHIM_H
#include <zlib.h>

// deflateInit2 and inflateInit2 are macros (they pass the library version and the stream's size
// so zlib can check them): Swift cannot call a function-like macro. FileFormats is the only caller.

static inline int paygate_deflate_init2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

static inline int paygate_inflate_init2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

#endif
