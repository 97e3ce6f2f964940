#ifndef PAYGATE_CFASTCGI_SHIM_H
#define PAYGATE_CFASTCGI_SHIM_H
#include <fcgiapp.h>
#endif
