#ifndef PAYGATE_COPENSSL_SHIM_H
#define PAYGATE_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/params.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/rsa.h>
#include <openssl/bn.h>
#include <openssl/bio.h>
#include <string.h>

/*
 * Creates an HMAC context already bound to SHA-256, so that each later
 * EVP_MAC_init only sets the key and never looks the digest up again (a
 * lookup by name takes the provider store lock in OpenSSL 3.0).
 * Building the OSSL_PARAM array is easier here than from Swift because the
 * strings must outlive the call. Returns NULL on failure (see ERR_get_error).
 */
static inline EVP_MAC_CTX *paygate_hmac_sha256_context_new(EVP_MAC *mac) {
    EVP_MAC_CTX *context = EVP_MAC_CTX_new(mac);
    if (context == NULL) {
        return NULL;
    }
    char digest[] = "SHA256";
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_MAC_CTX_set_params(context, params) != 1) {
        EVP_MAC_CTX_free(context);
        return NULL;
    }
    return context;
}

/* EVP_CTRL_GCM_GET_TAG / SET_TAG are macro aliases; name them once here. */
static inline int paygate_gcm_get_tag(EVP_CIPHER_CTX *context, unsigned char *tag, int tagLength) {
    return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, tagLength, tag);
}

static inline int paygate_gcm_set_tag(EVP_CIPHER_CTX *context, unsigned char *tag, int tagLength) {
    return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, tagLength, tag);
}

/* EVP_CTRL_GCM_SET_IVLEN is a macro alias too. Must come after the cipher is set and before
 * the key and nonce are; OpenSSL 3.0 accepts 1 to 128 bytes. */
static inline int paygate_gcm_set_nonce_length(EVP_CIPHER_CTX *context, int nonceLength) {
    return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, nonceLength, NULL);
}

/* BIO_get_mem_data is a macro over BIO_ctrl; returns the byte count and sets *data. */
static inline long paygate_bio_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

/* OPENSSL_free is a macro (it passes __FILE__ and __LINE__). */
static inline void paygate_openssl_free(void *pointer) {
    OPENSSL_free(pointer);
}

/* A PEM password callback that supplies no password: an encrypted private key fails to load
 * instead of OpenSSL's default callback prompting on the terminal of a server process. */
static inline int paygate_pem_no_password(char *buffer, int size, int rwflag, void *userdata) {
    (void)buffer; (void)size; (void)rwflag; (void)userdata;
    return -1;
}

/*
 * Adds one X.509 v3 extension given as OpenSSL's configuration text, e.g. NID_basic_constraints
 * with "critical,CA:FALSE". The X509V3_CTX (a struct OpenSSL fills with the issuer and subject
 * so that "hash" and "keyid" can be computed) lives and dies here. `issuer` is the certificate
 * itself for a self-signed one. Returns 1 on success, 0 on failure (see ERR_get_error).
 */
static inline int paygate_x509_add_extension(X509 *certificate, X509 *issuer, int nid, const char *value) {
    X509V3_CTX context;
    memset(&context, 0, sizeof(context));
    X509V3_set_ctx(&context, issuer, certificate, NULL, NULL, 0);
    X509_EXTENSION *extension = X509V3_EXT_conf_nid(NULL, &context, nid, value);
    if (extension == NULL) {
        return 0;
    }
    int status = X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
    return status == 1 ? 1 : 0;
}
#endif
