#ifndef PAYGATE_CMARIADB_SHIM_H
#define PAYGATE_CMARIADB_SHIM_H
#include <mariadb/mysql.h>
#endif
