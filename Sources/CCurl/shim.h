#ifndef PAYGATE_CCURL_SHIM_H
#define PAYGATE_CCURL_SHIM_H
#include <curl/curl.h>
#include <sys/socket.h>

// Swift cannot call C variadic functions, and curl_easy_setopt / curl_easy_getinfo are variadic.
// Each wrapper below fixes one argument type, so the compiler checks what Swift passes; HTTPClient
// (and its HTTPClientShare) is the only caller.

static inline CURLcode paygate_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode paygate_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

// Strings are copied by libcurl (since 7.17), except CURLOPT_POSTFIELDS, which HTTPClient does not
// use (it uses CURLOPT_COPYPOSTFIELDS). NULL resets a string option, e.g. CURLOPT_CAPATH.
static inline CURLcode paygate_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode paygate_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode paygate_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

// CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION share this prototype.
static inline CURLcode paygate_curl_setopt_write_function(CURL *handle, CURLoption option,
                                                          curl_write_callback function) {
    return curl_easy_setopt(handle, option, function);
}

static inline CURLcode paygate_curl_setopt_opensocket_function(CURL *handle, curl_opensocket_callback function) {
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, function);
}

static inline CURLcode paygate_curl_setopt_prereq_function(CURL *handle, curl_prereq_callback function) {
    return curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, function);
}

// The easy handle's side of a share: libcurl counts the handles attached, and curl_share_cleanup
// refuses (CURLSHE_IN_USE) while any is.
static inline CURLcode paygate_curl_setopt_share(CURL *handle, CURLSH *share) {
    return curl_easy_setopt(handle, CURLOPT_SHARE, share);
}

// curl_share_setopt is variadic too. CURLSHOPT_SHARE and CURLSHOPT_UNSHARE take a curl_lock_data
// (read back as an int), the lock options a function pointer, CURLSHOPT_USERDATA a pointer that
// libcurl hands to both lock callbacks.
static inline CURLSHcode paygate_curl_share_setopt_lock_data(CURLSH *share, CURLSHoption option,
                                                             curl_lock_data data) {
    return curl_share_setopt(share, option, data);
}

static inline CURLSHcode paygate_curl_share_setopt_lock_function(CURLSH *share, curl_lock_function function) {
    return curl_share_setopt(share, CURLSHOPT_LOCKFUNC, function);
}

static inline CURLSHcode paygate_curl_share_setopt_unlock_function(CURLSH *share, curl_unlock_function function) {
    return curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, function);
}

static inline CURLSHcode paygate_curl_share_setopt_user_data(CURLSH *share, void *userData) {
    return curl_share_setopt(share, CURLSHOPT_USERDATA, userData);
}

static inline CURLcode paygate_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode paygate_curl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

// struct curl_sockaddr declares `addr` as a plain struct sockaddr, but libcurl stores the whole
// address (sockaddr_in6 included) there; `addrlen` says how many bytes are valid.
static inline const struct sockaddr *paygate_curl_sockaddr_address(const struct curl_sockaddr *address) {
    return &address->addr;
}

static inline long paygate_curl_global_default(void) { return CURL_GLOBAL_DEFAULT; }
static inline long paygate_curl_prereq_ok(void) { return CURL_PREREQFUNC_OK; }
static inline long paygate_curl_prereq_abort(void) { return CURL_PREREQFUNC_ABORT; }
static inline curl_socket_t paygate_curl_socket_bad(void) { return CURL_SOCKET_BAD; }

#endif
