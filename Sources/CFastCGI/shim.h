#ifndef PAYGATE_CFASTCGI_SHIM_H
#define PAYGATE_CFASTCGI_SHIM_H
#include <fcgiapp.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Binds a unix stream socket at `path`, sets the file mode and listens.
 * Returns the descriptor, or -errno. It exists because FCGX_OpenSocket deletes the path first and
 * calls exit() on failure, and because filling a sockaddr_un is clumsy from Swift. The caller binds
 * a temporary path and renames it over the public one, so nginx never sees a missing socket. */
static inline int paygate_fcgi_listen_unix(const char *path, int backlog, mode_t mode) {
    struct sockaddr_un address;
    size_t length = strlen(path);
    if (length >= sizeof(address.sun_path)) return -ENAMETOOLONG;
    memset(&address, 0, sizeof(address));
    address.sun_family = AF_UNIX;
    memcpy(address.sun_path, path, length + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (bind(fd, (struct sockaddr *)&address, sizeof(address)) != 0 || chmod(path, mode) != 0
        || listen(fd, backlog) != 0) {
        int saved = errno;
        close(fd);
        unlink(path);
        return -saved;
    }
    return fd;
}

/* FCGX_Request fields read from Swift through functions, so the Swift side never depends on the
 * struct layout of a particular libfcgi version. */
static inline char **paygate_fcgi_envp(FCGX_Request *request) { return request->envp; }
static inline FCGX_Stream *paygate_fcgi_in(FCGX_Request *request) { return request->in; }
static inline FCGX_Stream *paygate_fcgi_out(FCGX_Request *request) { return request->out; }
static inline int paygate_fcgi_has_connection(FCGX_Request *request) { return request->ipcFd >= 0; }
static inline void paygate_fcgi_drop_keep_connection(FCGX_Request *request) { request->keepConnection = 0; }

#endif
