// TEST-ONLY KEY MATERIAL. These vectors were made once with Python `cryptography` 48 and are
// public in this repository: they must never be used outside tests, never configured for a
// channel account, and never trusted by any running gateway.
//
// How they were made (Python):
//     key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
//     signature = key.sign(alipayStringToSign.encode(), padding.PKCS1v15(), hashes.SHA256())
//     certificate: CertificateBuilder with subject = issuer = CN=paygate test platform certificate,
//         serial 0x0F3A5157F09EFDC096DE15EBE81A47057A7232F1, valid 2026-01-01T00:00:00Z to
//         2031-01-01T00:00:00Z, signed by key with SHA-256
//     AESGCM(apiV3Key).encrypt(wechatNonce, wechatPlaintext, b"transaction")
//     AESGCM(apiV3Key).encrypt(bytes(range(16)), b"sixteen byte nonce", b"")
enum TestVectors {
    /// TEST ONLY: the 2048-bit RSA key, PKCS#8.
    static let testOnlyPrivateKeyPKCS8 = """
        -----BEGIN PRIVATE KEY-----
        MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDDq3OdQufd6HYD
        LdqO0G7DeachtiyBHnT0csui6NtB+asFk2hJiQzlzsRYD/gVNng4pu4yKFOkJdOk
        sWLTtmL5lPzf+kNUuH8XtGdJNwoKp9MDHHp914BXyJtZVe6Jg+o/vokXx8cNHrW0
        Un+Z+/zT7mDBYDzdb6EzDYjz7xLQbIkYlS+38z/AVSmm3u5UIP9KGsux+xM0R+Hu
        J7u+W3zk0Mo8V5l06r37EfLr46EQiVPjtKKli+daFBJ+/HQqUUp/aIamvDl+21WR
        q0syh2zaRNIElny6lbNGFKP6sAZTB8UL6I2LYxOKdrveZaTQrDXqL2V0/nrupIlL
        TVTwQTB9AgMBAAECggEAA68sxB9IYmNIJZMtdFb0XvXhcb8OY3gBV8D5mJ2t0zYy
        RC6cXhYYihM0mzvhvfSCmv55qbQcrxCPRaCZbccXYf+uK0F5FxVKP1YEQ9qnc7/p
        NzvICqqOHhkG4828ahZzyLN7vVjjpJmZbkXHZUzbW9o3NCztuHWroVx14bH0trvs
        AoCZDS8g9kOvI7qvEU+hQbMO1f8uIIonbNeadj0Wvz8qAjiwxm8jqpy3uAqDGCZw
        K5O/pA61y/spHpWVWrLpSleF00iI0hPWIqPhJBF+SY7ehiBi6D1RIBHz8UKvTguz
        3Txpz8esVd5uGb41UrTn3a10N65/LrVSnd0N6ljE+QKBgQDlwbdzE/tx6+UjPP1J
        4xsSiAduz/2f/0ZIQAIcz41/kasJwhzYPprL3h92vSCmyxRZ/TFhxNZ7bKprX26D
        exdHs8YWsaaxUW6O8CyCBCYXjECbIiD8gXBu8a6vpLarHXKQGv37mbbvNx73Kdpf
        XasGvGnILTAQJKCh30uWDHPYxwKBgQDaBQCulCn6Weekncgq36jd9d/NhQvyOld+
        gR+Koo3jh9wNXQprF6Bq51gRzt6Khd13nYFXUryBW/7K28c16oD2gMgo1yLJmz1u
        kiP3P0KOWCY4VnH3lnQ7VCyxssixxi1/bilrUTV0FVzA72W1SQ0ZEUi/e4Wg5Hb5
        bpCFV2uQmwKBgCOlgojgOMrcBpkJBWNJURH2+PBAZOFGAemDxNAjg5ifSSIic8c5
        L1siA0+w2DgImge8OMUqfPx5R5eRHtxXZK1DPyCWP36TW8vhh4ZEjoRoxj1LdkK2
        8nLEHI4zyAOUdgnVpkI6/x7uNmeynqbdKYPKB79/A0394M48jsWg+PhRAoGAIoVS
        Q1JQh0R/CjC1hhxd96873aXoa1VTj0NQxDnS76kObctCoAxgqSyyZDd2Q0bI92yo
        EzSVhoITiPldxKq5+s4PY3AVIQkEpCJdsYOBvVo1ywvdBc/73X0JiqV9Y7C2eYvu
        4QA9z4CmbCI734WOnl5/P1qGoSArunkIRyS9cmsCgYAtxLSf71yyQxkefvmamDQp
        aBeimLpReKfQIH7rGYjyAXZRjObMEUvpDjKwgfpLuK9I/ECQcH4+3kl4WBkVtxo5
        IkpAlSW3T2iZTi6QsIf2yE8XFd6F8XzqdU6Vi8B6U8aEMT+GO1WNZYRV0wZmdmC5
        pkJVQEkbLLNadaKt695VPQ==
        -----END PRIVATE KEY-----
        """
    /// TEST ONLY: the same key, PKCS#1 ("traditional") form.
    static let testOnlyPrivateKeyPKCS1 = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEogIBAAKCAQEAw6tznULn3eh2Ay3ajtBuw3mnIbYsgR509HLLoujbQfmrBZNo
        SYkM5c7EWA/4FTZ4OKbuMihTpCXTpLFi07Zi+ZT83/pDVLh/F7RnSTcKCqfTAxx6
        fdeAV8ibWVXuiYPqP76JF8fHDR61tFJ/mfv80+5gwWA83W+hMw2I8+8S0GyJGJUv
        t/M/wFUppt7uVCD/ShrLsfsTNEfh7ie7vlt85NDKPFeZdOq9+xHy6+OhEIlT47Si
        pYvnWhQSfvx0KlFKf2iGprw5fttVkatLMods2kTSBJZ8upWzRhSj+rAGUwfFC+iN
        i2MTina73mWk0Kw16i9ldP567qSJS01U8EEwfQIDAQABAoIBAAOvLMQfSGJjSCWT
        LXRW9F714XG/DmN4AVfA+ZidrdM2MkQunF4WGIoTNJs74b30gpr+eam0HK8Qj0Wg
        mW3HF2H/ritBeRcVSj9WBEPap3O/6Tc7yAqqjh4ZBuPNvGoWc8ize71Y46SZmW5F
        x2VM21vaNzQs7bh1q6FcdeGx9La77AKAmQ0vIPZDryO6rxFPoUGzDtX/LiCKJ2zX
        mnY9Fr8/KgI4sMZvI6qct7gKgxgmcCuTv6QOtcv7KR6VlVqy6UpXhdNIiNIT1iKj
        4SQRfkmO3oYgYug9USAR8/FCr04Ls908ac/HrFXebhm+NVK0592tdDeufy61Up3d
        DepYxPkCgYEA5cG3cxP7cevlIzz9SeMbEogHbs/9n/9GSEACHM+Nf5GrCcIc2D6a
        y94fdr0gpssUWf0xYcTWe2yqa19ug3sXR7PGFrGmsVFujvAsggQmF4xAmyIg/IFw
        bvGur6S2qx1ykBr9+5m27zce9ynaX12rBrxpyC0wECSgod9Llgxz2McCgYEA2gUA
        rpQp+lnnpJ3IKt+o3fXfzYUL8jpXfoEfiqKN44fcDV0KaxegaudYEc7eioXdd52B
        V1K8gVv+ytvHNeqA9oDIKNciyZs9bpIj9z9CjlgmOFZx95Z0O1QssbLIscYtf24p
        a1E1dBVcwO9ltUkNGRFIv3uFoOR2+W6QhVdrkJsCgYAjpYKI4DjK3AaZCQVjSVER
        9vjwQGThRgHpg8TQI4OYn0kiInPHOS9bIgNPsNg4CJoHvDjFKnz8eUeXkR7cV2St
        Qz8glj9+k1vL4YeGRI6EaMY9S3ZCtvJyxByOM8gDlHYJ1aZCOv8e7jZnsp6m3SmD
        yge/fwNN/eDOPI7FoPj4UQKBgCKFUkNSUIdEfwowtYYcXfevO92l6GtVU49DUMQ5
        0u+pDm3LQqAMYKkssmQ3dkNGyPdsqBM0lYaCE4j5XcSqufrOD2NwFSEJBKQiXbGD
        gb1aNcsL3QXP+919CYqlfWOwtnmL7uEAPc+ApmwiO9+Fjp5efz9ahqEgK7p5CEck
        vXJrAoGALcS0n+9cskMZHn75mpg0KWgXopi6UXin0CB+6xmI8gF2UYzmzBFL6Q4y
        sIH6S7ivSPxAkHB+Pt5JeFgZFbcaOSJKQJUlt09omU4ukLCH9shPFxXehfF86nVO
        lYvAelPGhDE/hjtVjWWEVdMGZnZguaZCVUBJGyyzWnWireveVT0=
        -----END RSA PRIVATE KEY-----
        """
    /// Its public key, SubjectPublicKeyInfo.
    static let publicKeySPKI = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAw6tznULn3eh2Ay3ajtBu
        w3mnIbYsgR509HLLoujbQfmrBZNoSYkM5c7EWA/4FTZ4OKbuMihTpCXTpLFi07Zi
        +ZT83/pDVLh/F7RnSTcKCqfTAxx6fdeAV8ibWVXuiYPqP76JF8fHDR61tFJ/mfv8
        0+5gwWA83W+hMw2I8+8S0GyJGJUvt/M/wFUppt7uVCD/ShrLsfsTNEfh7ie7vlt8
        5NDKPFeZdOq9+xHy6+OhEIlT47SipYvnWhQSfvx0KlFKf2iGprw5fttVkatLMods
        2kTSBJZ8upWzRhSj+rAGUwfFC+iNi2MTina73mWk0Kw16i9ldP567qSJS01U8EEw
        fQIDAQAB
        -----END PUBLIC KEY-----
        """
    /// A self-signed certificate for the key, made by Python.
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIC5DCCAcygAwIBAgIUDzpRV/Ce/cCW3hXr6BpHBXpyMvEwDQYJKoZIhvcNAQEL
        BQAwLDEqMCgGA1UEAwwhcGF5Z2F0ZSB0ZXN0IHBsYXRmb3JtIGNlcnRpZmljYXRl
        MB4XDTI2MDEwMTAwMDAwMFoXDTMxMDEwMTAwMDAwMFowLDEqMCgGA1UEAwwhcGF5
        Z2F0ZSB0ZXN0IHBsYXRmb3JtIGNlcnRpZmljYXRlMIIBIjANBgkqhkiG9w0BAQEF
        AAOCAQ8AMIIBCgKCAQEAw6tznULn3eh2Ay3ajtBuw3mnIbYsgR509HLLoujbQfmr
        BZNoSYkM5c7EWA/4FTZ4OKbuMihTpCXTpLFi07Zi+ZT83/pDVLh/F7RnSTcKCqfT
        Axx6fdeAV8ibWVXuiYPqP76JF8fHDR61tFJ/mfv80+5gwWA83W+hMw2I8+8S0GyJ
        GJUvt/M/wFUppt7uVCD/ShrLsfsTNEfh7ie7vlt85NDKPFeZdOq9+xHy6+OhEIlT
        47SipYvnWhQSfvx0KlFKf2iGprw5fttVkatLMods2kTSBJZ8upWzRhSj+rAGUwfF
        C+iNi2MTina73mWk0Kw16i9ldP567qSJS01U8EEwfQIDAQABMA0GCSqGSIb3DQEB
        CwUAA4IBAQC0i6DoCvIFikSvOUY3tKjZp3LV4LMycyVTYIuPzXjlRdeG+sVnoTtf
        phBKrykZhvIWUHeEDVYuBDLXkSwjXh+8Jm657uoAUPmf5n8WaHLLqN/oYqPGu2Ix
        KUyBQcHFz4+7sqRp5r8xxHMICUvVWKpTuGFH/XXDv1XHK/R6djntanPqgrr1OEeH
        48Squ1juXQHczK9+ewxI/9ye9+bEOrEctdPP0b/p7sHUgxRgYEQwmRVE68j47Ds/
        7ZTVN6+6VRhCUFHLederiRs5sG9HNrgKmz7MANmBOfCFuhKOj5OxHj6t+vNCoOEr
        ZMxqL+ReQDkODXFTYtoiEDZR2646i57r
        -----END CERTIFICATE-----
        """
    static let certificateSerialHex = "0F3A5157F09EFDC096DE15EBE81A47057A7232F1"
    static let certificateSerialDecimal = "86935390803439012307487403076387418186936627953"
    static let certificateNotBefore: Int64 = 1_767_225_600  // 2026-01-01T00:00:00Z
    static let certificateNotAfter: Int64 = 1_924_992_000  // 2031-01-01T00:00:00Z

    static let alipayStringToSign =
        #"app_id=2021000000000000&biz_content={"out_trade_no":"o1","total_amount":"12.30"}&charset=utf-8&method=alipay.trade.page.pay&timestamp=2026-11-27 12:00:00&version=1.0"#
    /// Python's SHA256withRSA signature of `alipayStringToSign`, base64 as Alipay sends it.
    static let alipaySignatureBase64 =
        "lCFoAHAgTXY9BUH0kViTjsiM3kCtKUBfJ4VOKZRuuvGG56U4u1QcEcWFuqehwQyXpiHtu8VLXSk1lbVbwFS+PnbJFHNxvFDeRr25SSLLpD+mYiP7BI6WqzAx4QMA1A6mmUlUGJxmKhf1DyP5xAaJI+QD35Aa1cFtHNkOfp59Tff+0MMTMxhkuF08YJ8MKpKyNo6Ui6AW/7nLHKSI1oXcVYjqg//YV9AKVpG8+N5zp1Q7+wndkf96JcP0Yc/u2ybSRiMxyokUnv/oFyp65+aFRiIhBKnqZKDO/KK0Pmidm3+oPz/CsjrE9k2HwBEHKFmN/Dr9Gpp1Olm4+PRMy5KLaQ=="

    /// A 32-character APIv3 key, used as its UTF-8 bytes as WeChat Pay does.
    static let apiV3Key = "paygateTestAPIv3Key0123456789abc"
    static let wechatNonce = "fGhJkLmN0pQr"
    static let wechatAssociatedData = "transaction"
    static let wechatPlaintext = #"{"out_trade_no":"o1","trade_state":"SUCCESS","amount":{"total":1230,"currency":"CNY"}}"#
    /// Python's ciphertext||tag, base64 as in the callback's `resource.ciphertext`.
    static let wechatCiphertextBase64 =
        "qGxb5louAVG4czmyoR79c9f5SyChqQ+5jp1k+M4JKgl9UZBOQt57I062RjzmkChW+U/dnhFMWy3NulFcef2ibP9zmF8FmERLYLV3AxjYsk+s1MvVapDodHF1rwiHW90ChDzsewjK"
    /// Python's ciphertext||tag (hex) of "sixteen byte nonce" under `apiV3Key`, nonce 00...0f, no AAD.
    static let sixteenByteNonceCiphertextHex = "cc7f82d2665566f59c7c10b96698282a18099276465d757a47a03123334f294cdaae"

    /// TEST ONLY: a P-256 key, which the RSA types must refuse.
    static let testOnlyECPrivateKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgLfANH3OlXSER2Top
        sNVheFDN5pgU+n0nnjLktRwHayehRANCAATHh4zIPWb0nOOR2vJpHqe+Dm5PfxdT
        9K630+kLKgzraAO5nbDT3g6CKKxrPuM9bHA80zs1hfseEOBLzdE5h3iY
        -----END PRIVATE KEY-----
        """
    /// A 1024-bit RSA public key, below the accepted minimum.
    static let rsa1024PublicKey = """
        -----BEGIN PUBLIC KEY-----
        MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCsfRrB4fTpvwyy0Sv7Hqazit9g
        VTXjnsq8E1MwUyLySDAqSWEGuecRDFhpR7JqjND3D0FddbyRKACdDd1j7B3gka4m
        3+csbuXTQtG3UkqxqHA7Qn/LpnjsD425VplG2eb/95dTAH1oR9TH7wQrRBrlTR+W
        tOXnepbFruggdPjHZQIDAQAB
        -----END PUBLIC KEY-----
        """
    /// TEST ONLY: another 2048-bit RSA key, PKCS#8 encrypted with the password
    /// "test-only-password" (Python BestAvailableEncryption), which loaders must refuse.
    static let testOnlyEncryptedPrivateKey = """
        -----BEGIN ENCRYPTED PRIVATE KEY-----
        MIIFNTBfBgkqhkiG9w0BBQ0wUjAxBgkqhkiG9w0BBQwwJAQQ4ZzvZyqJxGKZZd+N
        jnBjogICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEAAoVp9pEnZNWVvO
        ssOAIwwEggTQiBOAzbErnV+a6fzX3TNEt33wcSy5JwBb6d/YQ1gdLGZJ15eZ38xQ
        RPfDZ8xaE2qW2PxFC50DA08JGJl9Rdf43jR1OHzqJJTMK8K4Uju1mKsQt9K4LS//
        GyL3mdbj/LHa6QR3r8DNWyiqRjSlQ4u8V/PSRXFL9OaPfbJM4ue7WzpWyx4KiC3u
        S0aikaFr2snrExe9NZsRiN05fBMXQhppWm8PnqTjCpbTDsVKq1GBXbfO7PjJ9Sc4
        Rp1nfqSOZ/wWm7dLOtXsV6UAT5aV9VxU6SxHRZDNMYZnjmCq5yZsVbOJLcVk92Mm
        zLZnetrEkLsrpuZifxyvOEwh6AcCssxmCvWp/JXVrWKDv26ZS+JX1NQ+WqI8DUOU
        p+LGdeL5X9E/qJ1oHutJxuZnv+WsxWaznvgWQUwmOuQrp45/CVRSWcZAGD2/PeqA
        XNjI0Ciugl3Or0D2oVJmMfKOW7awX8ZyLt32QMTULfVqV79gQd6CZFubhmx1+ZPX
        mjpDSKyMC4Dlgd1Atctl7fIKqG8IhrhSeoHlkDUOmiwnlFwdjY3w4NYKV4L+iDEc
        FZihfF42eUo9PCe+bbQElwLIoCDJrtrQd3tCXkFLwkJYOoZwAJXO+KtLhLGz++lW
        mM0Ywad2q9z/SMhYnYCr9M9hK6/arnuTYDUY1l7HfXIMJ51ZCijDhJT/2bAL15Qz
        VDF1wqomgEGr1I+kjiml6v4g3Ccsk/k4nfQpgzcRQAmxuy2sbjCQ9kZBAHQefs3E
        AF9oz3aBEfOZPsY8aS/3v9FzPEiyzX/HnV/VsOXjWd0iULxi0RUtUvUJknB3g5sw
        rQxdlXw+MJNeoG5HNhwbYMNDQ6JrOLS7SeKjeAC9l5ubw1huYJXEt/+fLwRy0EYC
        c64aPp9oL/6TPzrwf9fBIap+eWxryWsi6dRR+P3BWF/DUjNvWDMkVfi9kUue+oiO
        tX2vxJJay5zJEVZaTg4UjHBk8lYMOqrDT0rtm3OBppaqPkMXynu/X0gj9LyHJuAI
        ie/miyXwXCVfFSzaCrBasSYZuDC+B6gS9a41SDhfyCpv/xwI6P/aDedkxADEIhfO
        A9bu4iCBsPh3UIiagsPJQhaeRODFOBNmOzmbop5/OwGGktf89dXREILqZcxn6U2V
        5utwvUYrDkrG9S2uRaaY0J9O1yg+iugDEmg7pVjM3JXRpkq/5iZCtVEyoZXzpa2S
        BY6MynXyzdOuFbvY8exc0pS6ndSa+AZM8/1qs6lDU9/i0UFXnRKgsX5wrLozl5jq
        W3Y+7gDvz9Nkk8LHz2r3gj6Ymj0xLM9InHI+DLZAnAmYMC/WCbmjqB8woSRrv8f1
        DvXYgxDDTpKoDrnFTqHI9HB83JC3yJyL/lQLryiEKE5+9S8kmTA1JTRn8TJmhuD5
        xoI7sckcCVK6AZv4NA9SdHH0RK4L1/7/Id+mN2eiT2vrH+S13jWAiCF18rU6sew1
        /k/2gr7V4gckZ96M4i/sZSSOf3fddubly17QQVrlK7hVJTBM/Td/AY0GlWpaHFFN
        GiQ56aJFUWFAbj8TnXP+MBzP/keCDbseW627IF6twQg6dkW7RuVgmTyblatyC8Be
        UtFyaRbTPB9l6b1VoCrc1Ne3jpzkEU4EEuziwzUYTibttwIuNpNdVmk=
        -----END ENCRYPTED PRIVATE KEY-----
        """
}
