// TEST-ONLY RSA-2048 key pairs, copied from Tests/ChannelsTests/TestKeys.swift. They protect
// nothing and must never be used outside the tests. Here the merchant key signs the connectors'
// requests, the "current" channel key is the sandbox's channel key, and the "retired" one plays
// a forger's merchant key.
import PaygateCrypto

enum TestKeys {
    static let merchantPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC95uswVF2Z1JiV
        2Blq4z1AZFc9CaqrKeWAWGk3DYl0+Z91zLdSptbyC1wItd97SOSo7EbJzkjD/U+R
        wa4B0EOtpczrIIwYdH+wahkqFa/s91XaXpAQlaU5nBb9dBv7lpav+Pf9sQVn/v7U
        nm0lcFoOdtXoDWn8g9K12Byf6hkqvEvEp91P5ZfWvN/5jFXtJ+73/XKV9R2gSmhL
        altOjvpTwJvzH1uri9AI9Gb1pVvbPDuUYS09ovwGCPGXIKSNqfJ7YRolgdc3NHIv
        D//v7gO4RI4PvHruEAu8QeUvNUJQMeGjMb5aNNaOa3gu/Xc+Jxi21ur5rwl1YpdQ
        v0kU6+0BAgMBAAECggEAL3B1Dt74fgILtx0jpl3Lkp8uYudcDQO7mx8a85+MV943
        DVq9biaTGian0F48zKPGSYOy4F2JtHo+iyMm2Lmh+oppgVBhZweNUXEDxc1ipDAa
        cKGAXEBB5P0fCiRcDDLPhHjN3MCA4PykxNEp43koaiYaJCzbrfLxa69n4TP+Ivw2
        R0j59wrWsQVmZ0S46sdhQcEll8HU66kZuiV7xtCu5xVk5YQdvRplkufUnbmykawD
        vaiJT8No7meEhXr62XHGGDSRXRFw6Bel9043CXu3SUbMiC/YgqLfAv1CfGOdktNq
        Jc/5DdKLd40wE+a2iMLu3i+av3PjvWnOntyA/HpTFQKBgQDe6j9mtGPaG0NzjUzT
        OoIjbSAQss28Au5MnulSvjkMTN6kzWqhncp5QUddZ5mBHOXZPCCRuMZWp1kRSw02
        P7FKvSHJDtkJ4iEFYYBGBpWbD3qd14zNSZW80TH7phQGKVazi2GoaqkcF3OpbePH
        h+9f9I+rRIt2DGVY2TZ9tq2H1QKBgQDaFlPprHTFUHyUVDZoNpLbxm8rZxvwtsfj
        wNAUAFSG4xLsmQvAsSYSWl5/b2K7MdInYkZqwFQkdsGwANcGbGP8IXupXQMMtRKU
        aFOgCZmSDb3rr1/7GWAoUjuS/fgxcgqeR2C1JtbqstCkvbPfe3abRyjLJJlcLzT/
        ALaNvIUyfQKBgG1rHC3ks/K2WTiaDjDM0l5jTU8FBXmZErGney3zU3tXLB5G+mVU
        V7OHOGl/1diLf8NPAUmmIi0cvdqANX8Aap0eEzxmvmBckArdHiLBTqQrR+u8h0+p
        JAfnw5obnk6b8gP1kb0ihdnVJR/wYdNqRTSbjf3qim4qjYC8NkQk7C71AoGBANmK
        nieghFZyg+J94kuv7GxYE3qK/r7txJS2N5lL/wUSK0VhIO0UiDKUfGDH3gd2mff5
        Ot6vfP9miqwjGlpo8o+FYtI9WpZpZOAu9QPVr5+WH5Wiua5C0L1H0e89cT75UAg0
        kQ4CcS1qM1+xb2SExnn70IBawLPIzydzMaZOn9sNAoGBAJ8/DvsQs5LYXlPNKZux
        dz9VyLewxqdRA/qtACLlfbiJ4GI+bRzu81qY27amCmQQraarZ4JDRn7H8ckVjLNh
        MYu9V1exEn0yDEsypxQDVkU1crNH84TcgKVStxSJjua6rAvkHSs+kl4X8T5ZiiFF
        qchgroXZYwbE3EVDGo2XW9Bs
        -----END PRIVATE KEY-----
        """

    static let channelCurrentPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDXFKUL/r11Z+in
        rRpRx/AAblp7FeVygzOS7Klh6kIIZMGnc/2X5eoXQ1fR5SwNyW3wDIXhBGclp/ml
        OGXndRYtV535Z1ZC6HSg7zzFj5ppuHvs2MvMJccajoCYkgJMmVoUKe+GUgltmE4K
        fcZFfOsrBwiNZ1DBY/3e11Foi5UwmvIAOwEzCc2pxZmUnSYFYObdcoJzYu4Oy+aN
        +IBIAMIKlHtvwl67Zw/g58eM18E1AdWNFTZKl3S45ldXGVyR/k7LQE98JSmTpV/F
        7fxeAPzSJi+lb3RPH/tSSynCllkWvNktPKeidGcO+TrfjtytCz8jZNE5qhpj9ngx
        iI4masJbAgMBAAECggEAHIQHMeTvV46UQQ7pS2h3wIbhBiqsBhexEczA1FOLt7Ms
        Hbh6KdZ4x+bM0O5Sfe1z3vy6D1BXIJ35slcc46gZbZ+NOVDjFfHd7KxrYUId1eB4
        xbkkpAdqM3IrSI8rMN6wG7ZHpIZh657i0e9FB1d9knHXR3AoO8u3EAF6MKM4/319
        Q1L21qPkkVQRUXIo2Z7XJL/V04Wlj9dOh8eyGbCg5spixP9H1YzZ2FER1Npmk14i
        amYd3n7i7pHdAgrY7wkmXsRc8FpTcuhohGNuDZb9Xot+iRCwpqwkEwasn6pjb852
        q3vfk5c1c4c/czH2fFnB+hMc8xaoRWyYY3mFXCL1CQKBgQD3aKnAhoHrZ6pX58WH
        sq3onR9a7IgUJQPgtPjtmzj4ZgzQjy3YQjrM86lOOI5MHW+h4Sc53ogVkJj9f7Wu
        PFq99fumGw5Fl20iZMRjIKTfYajkUyITD9aIhzMHYvsC6iJnpgoGsW8YTRFBLVrF
        xDIr9wgPySOPQdcj/+eUleUCrQKBgQDejJnDNGP2fhLPq2Jv7RADa1c7lIqBINI8
        Qyy2jIbky3iQ8F7hBEZahXM1IDC5xqzuRYgYvz1wQwBRn8Szq7JQhNBaKbEpihYF
        b6jdHux7jnT0Nrf705P3dU6ITcgWUrsS7Op5H7mliElKcJuSQo3geSOY+0a3j3Y4
        LETwUsoCJwKBgQCQbI+TbLGQqq48rHaZtUth276/BA6Xu9fcp6gchB0om+HlKX+4
        m0jZ9W8i0071zcUpuVZ9qJLGC+fTK2byNBdAhsSE/YxCQZgamLovp5G3OLovtvvQ
        JtG0V0AJktU2qVi2Kq31pERW6j4lTwWLJvGmyojxNhhE+0lMoYkdKrdJ7QKBgQDV
        7WXpZTUqPyqqAd9QJBuejdJ+7Vzun7Q4RYJ3wEHzMTwmZ0ltGAThAyMp0FXGXxrg
        uGoJD9xpS57E18XnyIZSLDl0UluAyMI+W4WBeTZt1xTJpMfbBRlZaKQjFlHeU4yM
        trz1ze9RFd8N9Y02XU+wlgIIDpN95CQJ/1QNiCezRQKBgQCGoLkc4bIgrn9k55b/
        8gR0PsuyovaeEpGyChAojdlyTxG7rOma0NcGGNpTlBCoS4FmpIeMw1jpVLe5Tprv
        8LLaRWS+BEWCeDxPQb9e9hTEvJFUEzy8qBvQxeWolY9tVC74+rSr5LzuMHPnLszz
        j5I3+Sx1sO6n/JTHUR0fE+E8xQ==
        -----END PRIVATE KEY-----
        """

    static let channelRetiredPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCgOx8MPXAub+Jn
        Rc2McDa4jEHLcp26TOMvBrbu6uV/W0N1OGUMeJl/r5RIFhGkXaGzPvtrzIcIrSpM
        m8A8NqCOh0baxWkPtFp5KBIGn7BnnxepqFmOahH7j9/aROwGuwZ+nE/NJxVCw8rr
        yfScDd+ZmIc6LF5jNE9+y1B3AuyfqKERMZDjGjRBYoPAAqwAWwZhTBlDHaPULOSc
        npya1YnkgN5Dz/dGhEX+9ztow0lnk0DWcp559Ci5HizRrN6PcH5goNctQMjHsprB
        w907juLrlNugxzLRJFORZvSjb/26uFSoEOH6ofevWybOh0o5kkxF5jDC9hiUN3HM
        DFXmnuG3AgMBAAECggEAA0e9O/qUra6xW4c3TQpjDxDNVq/oVg8K5kSPQYGM5I2R
        ak3sQP7FuF0iKP5NVX3BOLKFDSY+bB63a01o+GfvONvAx0EcBIFJtN9CzIs/s5oI
        hFBOUmG42oXjLExq6ecG8VfxM5764ByyrnRk+JOOzKMtvt13qopAnQo71yPihOYz
        j/amSJ4rECaMV4vn6+I/mT2gwuR4XHiQ6nI04JnTjCqV+WcJ8xPCfzqbMvI3J0VR
        wlcCVGlCtCfjwnQzhCysVzPKZQWkTNZ4+2QzSuDuhXTZZrJYOCmk8BbrgXukN0Du
        gerrcqHVgW4FitYTV5UZe3KiRUiL9TX9yVBFSzKJUQKBgQDVvFNUypmbHUQeilud
        +N6OuKwKyhmOWGA0Bap/delPpDpc2yKTpousUsg7cCelFOzjbcU6/O73nWDVSVPW
        x3kyEH7Yl0B2HOO5fqLk3eAXC4xeTyGLn5oLbxA1WZhePz9AMTGkacHcv0k2vVNA
        y025PjsC9ooDPoP+WNUIubF3/wKBgQC/6ksjfn+DpW7ivijnx9nvQ+Y1rgQpqCT1
        uSX65jQiNfJE3I77zbFyXlCAFpzlGsfAHxHhRwlN10DznHQhd+r89funzeahMDnU
        gQr13tEQvwQxFSViBkC89Ya3lErtmy616owK1UIG2kfxDGD4Qn0ax8okuBqwkjJW
        pMBgS0xWSQKBgDsSZrGboSKWzxnlwXaCrvghICOHQdLuqAAYxMufihEh4aOCSScn
        s5i39HFBCSP+CY696vHnsCAtlfK85ngI/30PxA8WlpFOYL4GuvyoOeQEpBH4qtvN
        C6U3V/J2xb7emhuivQak2BiroY+IefcBeYTGJ0clXnWRFKf6Yz6bG+p/AoGAZuq1
        Gra2mRl5an0BoLJq68WkybqlHtW95ExC0tbqtEHrxwPkZaJ7+1Iap2X5A1+mKSBA
        TWfz1FuPyFRpbp1JVhhvuSBRArXC/XOqNgokYW+eRtgJMRUbWHnuoboTqHIkzYeX
        TCPrAZPDKsAxrFCzmE312FUmcvQjrJUzWTBoIokCgYBoQcvazJyLKe1GEr72U0/I
        RvchsVDM5KN0ybcQfebSnCg5efDPt/VlBWQOYFzIFMPiL6N/Zy0eMYwaYJPs6jjU
        9HsA4hCddVnyLjOs+KnPYqHn5BzknOtycqiWYOkmUyaZIbcoT6v908I9jCe7fSJH
        +Blsw5WSi//x1wrWAm1u5w==
        -----END PRIVATE KEY-----
        """

    static let merchant = try! RSAPrivateKey(pem: merchantPEM)
    static let channelCurrent = try! RSAPrivateKey(pem: channelCurrentPEM)
    static let channelRetired = try! RSAPrivateKey(pem: channelRetiredPEM)
}
