// Expected values computed independently in Python (cryptography) from TestKeys.
enum WeChatPayVectors {
    static let prepayMessage =
        #"POST\#n/v3/pay/transactions/native\#n1795792487\#n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\#n{"appid":"wxd678efh567hg6787","mchid":"1900000109","description":"Coffee 咖啡 & cake","out_trade_no":"019ac5b7d1c80123a1b2c3d4e5f60718","time_expire":"2026-11-27T23:29:47+08:00","notify_url":"https://pay.example.test/callbacks/wechatpay","amount":{"total":1230,"currency":"CNY"}}\#n"#
    static let prepayBody =
        #"{"appid":"wxd678efh567hg6787","mchid":"1900000109","description":"Coffee 咖啡 & cake","out_trade_no":"019ac5b7d1c80123a1b2c3d4e5f60718","time_expire":"2026-11-27T23:29:47+08:00","notify_url":"https://pay.example.test/callbacks/wechatpay","amount":{"total":1230,"currency":"CNY"}}"#
    static let prepayAuthorization =
        #"WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="5K8264ILTKCH16CQ2502SI8ZNMTM67VS",signature="akrJk9Y+cRaUDj8FNJOt/a8FdHQACDeU6w+qlYz5x+RHsb/Yb6FlWvbMCAfpBGvHwcXHluK3DYWMxpfv2b498q3fbtPDco1q/bfSxWAjS3EyM7Vgeux2eAQjHYgCuQBsi487VvHTmqrRsiL0S0FK+Cr28kTt6KXWRsu0kUeXpc6KGa2AmZllTH/0hXr+v/1/lmvBrlJhPWV+jsL0LGLVv+o9mBaZ3wvTYdrhA+T9bcQ2QFfeewDDbw2d6kczlDXXmdIcp8RYmLWNwQN4N/qlfqoCkOc5/xOR8Qa0NFtBQfO7wPDXlIJz5qkwvB7VSzOmV5+CuI9wg1B2AAd+5aO00A==",timestamp="1795792487",serial_no="5157F09EFDC096DE15EBE81A47057A7232F1B8E1""#
    static let querySignature =
        #"Uv5soM+Z83zCb1+mkARwNxdlcmmT/AnWEBsfLIwQDYvWCk4dIWJnpsz3WjP7JPq2tgRLK5lNtemQ5ilAWbqPkMsDoiGUEInZJB80IAQmthDD97RwhzUV+OKSxeF7hof8wPqUuIxrpk4PY5FhgXf2s5XUa0UDBmM1UmfjoFu/u1syIjCeTy21Hi7fRHmlfTE5vKcySaZghylixsO2pRZz8z7ke8Jx+TI7xHE/XRRMXPnha28kO3cQo4IUxRVyKBIN3/eWtJhXS4+cm2m33KlQj7eGJTcvwxu6DMdBsohJ/76Zb+xmXmQRdrtF8jTMndT34P/nUOoqe5Z5h47M/QVDcQ=="#
    static let prepayAnswerBody = #"{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}"#
    static let prepayAnswerHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "c5ac7061fccab6bf3e254dcf98995b8c"),
        (
            "wechatpay-signature",
            "zlKQYJ3k64pALQBQ6u9R+kBjwm1vVH6FSyYHh0yCU1UL1PvSdlK6HjrUsp5QDKTVy7QOlnst7V1OiZWf1+HU2HLRG73skSWJrw77b1pj5HIrKQYC4I0+67lq5TgX6+fDfciUw6TROLn45HhXdi0yMn9XBDXoyTft2N+bNywr6AGy/KYtbmSVrL7XHQQKVtflqAdqlMOg6Yb4BEltlO50TeymQPBYxCRPGQ8Cp9PagamKeLEVIJ4r9ootYzvpWy2xIaHepd5yRgJJZND447PWRc7zuxJgAlY+jLaWBJ5oWtIB26jvWeNp6G4uH1cSXzv+w+Y7u6jbbFXWjKukRO8kcg=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let prepayAnswerRetiredBody = #"{"code_url":"weixin://wxpay/bizpayurl?pr=p4lpSuKzz"}"#
    static let prepayAnswerRetiredHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "c5ac7061fccab6bf3e254dcf98995b8c"),
        (
            "wechatpay-signature",
            "EWZarbVhMRvTsXp+oATfWxVBI7FKgIr6bNoJ8vbeYqsSlkz6JmnKkRQ4H2r64528Qnf4q/QRa1J7VeSPJK//MuWb1lXiUpvwJ5BMsXoylyMjAD6PmxufNlNs/7JyoNEQ4L7wcyREERAX9+aXoiqzRWWAtdi7MKsyrd2pAXZXhFIXeoRyllO35qwuo/tGqaWxah4O6afW6CM7g8+OvyDJeiLML1twhugDkb8YUysXKXF5oBSdPW5JxdvFEcyHc5CVp+nDbsIirWb/N/qXUKURdNDM5UJbyCLw7CxVqgKMOF1sPZ+g1McF1D0oh2l8sHSEYh/OS06mr8akCLPqBnkbTg=="
        ), ("wechatpay-serial", "f12ab"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let prepayAnswerRefusedBody = #"{"code":"PARAM_ERROR","message":"bad total"}"#
    static let prepayAnswerRefusedHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "c5ac7061fccab6bf3e254dcf98995b8c"),
        (
            "wechatpay-signature",
            "FX1n3D3ybUlF37elI6MB2F0NE3r5D+w/Bu6rIO56deaKs4jnAYiqTlOj6XjS1kX9yoGFGf3LX8RtXK3N4xTkInZ4vhPduKgJ+no3zuCsGbORLFhnLV7/kgNu0nw3KoLT2b+qsoFDEO9AlldHCTOvJPqKExqSvgakEs3aJQtH5VDIyWteZQe9zsC/4cjdfUfkdf6Vfeb7v+3OyPCZrbNfe5r2BdfOl2Bj1Zvjc92FJfvRNnOY3vOyYNWPJBEqQqb0jWUHAXAYVOhdFvyRXKF8lBFFhjNPlKaESITbj3kpBT2poYZzMrDnnzc+BxTIuF2ZwN8bVD+cfvngKqK4IFWZBQ=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let queryAnswerPaidBody =
        #"{"mchid":"1900000109","appid":"wxd678efh567hg6787","out_trade_no":"pay_019ac5b7d1c80123a1b2c3d4e5f60718","transaction_id":"4200001234202611270000000001","trade_type":"NATIVE","trade_state":"SUCCESS","trade_state_desc":"ok","bank_type":"OTHERS","success_time":"2026-11-27T23:16:02+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":1230,"payer_total":1230,"currency":"CNY","payer_currency":"CNY"}}"#
    static let queryAnswerPaidHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "c5ac7061fccab6bf3e254dcf98995b8c"),
        (
            "wechatpay-signature",
            "CUHKCtIXs8tQa3dOmV0xiVWgL5+eBWEUBfmhh9aOtrOxJUkgsdTO8tCa/2WSDEb2yhYscinfl7lazPIxBVszjqcRFtocpQna24jJPYmIYET5YJEuffNs+RDRdPFYGn41RJCT0+Vzz3Cu4d25PzNsWikCLhFcekg1jENKfl/9i2A6lyyiiltZ52rOesN896hrfxrOynQB2nbcyMcdHEOi+0iz/HgXQhs0ZmkHHDOq9VOcELAbpMQW79sQm+hXxr1nX5NDZ8t6mPnOuQQXuszfwDkMUvaJjm1aMR+hPdIAFWBydrfCLsz1jVEfV73EGSGVSdfmIDOYnluMRhLpv/LD7g=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let queryAnswerNotFoundBody = #"{"code":"ORDER_NOT_EXIST","message":"no such order"}"#
    static let queryAnswerNotFoundHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "c5ac7061fccab6bf3e254dcf98995b8c"),
        (
            "wechatpay-signature",
            "Oo3MaClNzBcnH6vHJrB3BjNKu6Nw60ICu9EuJqLqXScPQn5WNsmtQsSUvYctvEcasLihFdgDzXl7zE23PsnnW2/yimHCF7GazHM0HnfEGVfiWokfECq1gBVxhASJ8OaaQBNB0hk4YNyxAh0kj8GFqnT51hXiEpoTEXk469ENU+to7rbexsZLosjJVtm3MUOH0+4vKHnM3oNliheZWIKQsmNfr6Cn+rHV4LCt4wC5zbea+z0wyR79NHu/DcE6DYoKnJGeV1aZ2zUlvdNGLrvZUfnHUYHUXU1chRfWVFgfg4F2WpQ2zl9ZaIVTxrYJBVfG8ALFP8xCfrhzol9cub8X4g=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let closeAnswerBody = #""#
    static let closeAnswerHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "c5ac7061fccab6bf3e254dcf98995b8c"),
        (
            "wechatpay-signature",
            "esGOcQ09+tN6vYyMzQGUdElHAURWRr4uxeFE0oNErbllLOvpwLchrpUWCGm11oaBfKI4nJUi79umT0W80OCe89c/qkeuh/AjHcXgkYC0TW1Hx4+XjIuGjprmfzOjQ4GLkLGjXlSrWFx93L/9cUVPcMuPzwdHYQt8WArcFHaCLwO++oVCZTHn2EI0TjbbHAAowGvhicj/QXoir5eCm/A2CueM0JcSbQTibFac9V2CwYJfZp4yU92m7QSRDsZMGgwsDOILVKSoUNomFYAtsfXqeqOA0RunTGBHu0MdnjYVlg8jJX7n19FWT5E9r7Hr9oRhrPMB57SqglQJgZYVDb1vGA=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let refundAnswerBody =
        #"{"refund_id":"50000000382019052709732678859","out_refund_no":"ref_1","transaction_id":"4200001234202611270000000001","out_trade_no":"pay_019ac5b7d1c80123a1b2c3d4e5f60718","status":"PROCESSING","amount":{"refund":500,"total":1230,"currency":"CNY"}}"#
    static let refundAnswerHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "c5ac7061fccab6bf3e254dcf98995b8c"),
        (
            "wechatpay-signature",
            "Mkvm+7/PcvIo5LFBaBS0fnoirXZ4R5ONcxGPnk3AcO4bc9fpESbj8BI0y4tWnK6smM2AZSw+NNZOZZwY9U7++naUvjs1MX5mzh5/TfxD6LC9TL3RAedUloRNujZh3lrR23jb2OeiaZ9Yd914Wi8QBCmuwjs6vjN0fjoZmWE716ftL3+WQd0TfQx1H0Qj5MBrd1jUIsxo0WUB7oWuDcfszC0VP7lGRWkGV9aTjea1wBq54hsydFgvvdm+EIwjyWyXi9LyL4OZQPIwBTwrF6SV6Z4KJcB0/zY+oy1rMWFlzcgVKl/WlA4qsuJrKUScJ9UBtZQALTvYqNX5+B5Ta9EEsQ=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let refundQueryAnswerBody =
        #"{"refund_id":"50000000382019052709732678859","out_refund_no":"ref_1","status":"SUCCESS","amount":{"refund":500,"total":1230,"currency":"CNY"}}"#
    static let refundQueryAnswerHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "c5ac7061fccab6bf3e254dcf98995b8c"),
        (
            "wechatpay-signature",
            "PRdR12QAZ22tipAGf7w7aBQ3GLjDIXkK2vTpZerTLlDTgpVUsk670SGVHHMvmdI7mjzX5Lm07WzIKsVDOji3utv7iX9H83BYU1kIFbgUael1ZZ0hFMl/u/ErUg7AbExHOOSUeXxYmJYGzeBLRlQ/tNzb6EKX/ah3o2J9E+a9Y7oI9AHcpR8fRqHlXjjf0N+gfc/riVXjMAVSKHL9HUsHx90BNvPYqOsusZRfV80PDeEHOn9PPbPSZYHzHomwmx697yb41oKoKgrrb/U/LoGLqZCW/1SMqiYOt8zB7h+aIHDy9iMN1y0/J8UhqAjNXCoIbqebKcBt5sVBP1rcTSczUg=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let statementAnswerBody =
        #"{"download_url":"https://sandbox.paygate.test/wechatpay/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA_Cv_isgaUtBzp4QtiozLO","hash_type":"SHA1","hash_value":"8ae7c8ea"}"#
    static let statementAnswerHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "c5ac7061fccab6bf3e254dcf98995b8c"),
        (
            "wechatpay-signature",
            "1lfzkXddYizTsDLaU/tk23JSpeaCehcipHerqNHD/JzCXEHVPYH/pk/kDbFc6PN/gG56I8xcBN2CoIdLxRR74LqPhiu6Uhng2HvMEh/ZjGMu1ffls+AFnaOHLWbNYtjKO/aTUBiK3kL90njlfkbdRSwREVS2FD75mjX+NopelnVzgiABp0ZBGRHdVakq2jFFr++VDMuLfJPW0a0A1PRQNCS4GLvwBdHZQcFu9ceSAHovJfd1Tz8gctGzUyCeZ//YbU4CP4p36PY3a/GU4ENDqrXo4YMwzwMuvzLb7ibLlvzZZo/kaDot/V8tBjxuYZnBd6qbdRFaYLS8HX4zCx7hjQ=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let knownPlaintext =
        #"{"mchid":"1900000109","appid":"wxd678efh567hg6787","out_trade_no":"pay_019ac5b7d1c80123a1b2c3d4e5f60718","transaction_id":"4200001234202611270000000001","trade_type":"NATIVE","trade_state":"SUCCESS","trade_state_desc":"ok","bank_type":"OTHERS","success_time":"2026-11-27T23:16:02+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":1230,"payer_total":1230,"currency":"CNY","payer_currency":"CNY"}}"#
    static let knownCiphertext =
        #"hXOtJwRCq+Yt3R97S8PsgVyGIflZkN5C2ng8j8KzN6UMD8Kf3L3sDIB2xFQqUOAi5Tp43a5ZLw29mM0ejvuqQRUqe3jgdhGqtTJJXSrZeIHFGWelZFlUlNEZUzNSI/61QqtQ85TGzOg2h0A0uTIq4gxWWrEd54fTymTnF2mtjyNml3rf1H2+NFGitaJ2DFjwjzIO2Q2SP2JJ3eYQl716O16vZtkXt+I2zf5UG2koAb1EsGOeSCPba3enBQVmOkfUAuXqY4TX9CdbIM8X338duTnYav92W5FJmTvfR62koJsPEtvqeer3vspzMWfHdGBOx+wEEVphFeZPb9JOhUouf8xARiHd0jL4YBATOYLv6s+dhSZxGAlvIQRkKhqtoPdk3xeg8tjdpmC2D+xR1if9YQXJNUEd9/OwGqTx6BUxbPOmXTx3oIpxAc0KaSybPKxhW/BxtLClHE7Tuw62MFcBaSbEkltMKbVMX6YyLwC3A/JlDxKNq+CD4Mm/nYTP7qvOmC3Yf8PVJKtcQ3AwWaVgbXKnWrRyxHRmnNPM4PpCv/4O3VWP68NPhLHOeM6u/cNTDLt6Gw=="#
    static let callbackPaidBody =
        #"{"id":"EV-2018022511223320873","create_time":"2026-11-27T23:16:03+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"ok","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"hXOtJwRCq+Yt3R97S8PsgVyGIflZkN5C2ng8j8KzN6UMD8Kf3L3sDIB2xFQqUOAi5Tp43a5ZLw29mM0ejvuqQRUqe3jgdhGqtTJJXSrZeIHFGWelZFlUlNEZUzNSI/61QqtQ85TGzOg2h0A0uTIq4gxWWrEd54fTymTnF2mtjyNml3rf1H2+NFGitaJ2DFjwjzIO2Q2SP2JJ3eYQl716O16vZtkXt+I2zf5UG2koAb1EsGOeSCPba3enBQVmOkfUAuXqY4TX9CdbIM8X338duTnYav92W5FJmTvfR62koJsPEtvqeer3vspzMWfHdGBOx+wEEVphFeZPb9JOhUouf8xARiHd0jL4YBATOYLv6s+dhSZxGAlvIQRkKhqtoPdk3xeg8tjdpmC2D+xR1if9YQXJNUEd9/OwGqTx6BUxbPOmXTx3oIpxAc0KaSybPKxhW/BxtLClHE7Tuw62MFcBaSbEkltMKbVMX6YyLwC3A/JlDxKNq+CD4Mm/nYTP7qvOmC3Yf8PVJKtcQ3AwWaVgbXKnWrRyxHRmnNPM4PpCv/4O3VWP68NPhLHOeM6u/cNTDLt6Gw==","associated_data":"transaction","nonce":"fixednonce12"}}"#
    static let callbackPaidHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "fKNYk6N2vbz5mW0F"),
        (
            "wechatpay-signature",
            "VkKeQtWBWYbEQPlNES1YbtNvryKxs2CA93ZAjQqhVabDb2aGigIit+7yPsq13QovcklD0cg7X8SD6frV0VdtlNodMZfd1sYXH/NaKytiAvJ4kwCimvucUJ8Ta8OyusWm53RrrD0iFBfQtZkVARZtyKjY2qFa5fb6f8ycvswyU8BzkhKSQkr7nfI8RtF+mXbPqZAl5+z7o8LSdnb4h3QsGi7S/nJVxppuX84rOEXCflJZsdNmslOViJnoNFFeKitxgTAm7b9fbvMbPXNIbp72sVs98/vT+Y8gVfV+bC6vBG7aJONMo1aMyGWw/YYLYRMrV5xXC9eJgjNB+1qs9vy6IA=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let callbackPaidRetiredBody =
        #"{"id":"EV-2018022511223320873","create_time":"2026-11-27T23:16:03+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"ok","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"hXOtJwRCq+Yt3R97S8PsgVyGIflZkN5C2ng8j8KzN6UMD8Kf3L3sDIB2xFQqUOAi5Tp43a5ZLw29mM0ejvuqQRUqe3jgdhGqtTJJXSrZeIHFGWelZFlUlNEZUzNSI/61QqtQ85TGzOg2h0A0uTIq4gxWWrEd54fTymTnF2mtjyNml3rf1H2+NFGitaJ2DFjwjzIO2Q2SP2JJ3eYQl716O16vZtkXt+I2zf5UG2koAb1EsGOeSCPba3enBQVmOkfUAuXqY4TX9CdbIM8X338duTnYav92W5FJmTvfR62koJsPEtvqeer3vspzMWfHdGBOx+wEEVphFeZPb9JOhUouf8xARiHd0jL4YBATOYLv6s+dhSZxGAlvIQRkKhqtoPdk3xeg8tjdpmC2D+xR1if9YQXJNUEd9/OwGqTx6BUxbPOmXTx3oIpxAc0KaSybPKxhW/BxtLClHE7Tuw62MFcBaSbEkltMKbVMX6YyLwC3A/JlDxKNq+CD4Mm/nYTP7qvOmC3Yf8PVJKtcQ3AwWaVgbXKnWrRyxHRmnNPM4PpCv/4O3VWP68NPhLHOeM6u/cNTDLt6Gw==","associated_data":"transaction","nonce":"fixednonce12"}}"#
    static let callbackPaidRetiredHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "fKNYk6N2vbz5mW0F"),
        (
            "wechatpay-signature",
            "jyj/+gzHqzHWxq3ARRYvLFtX3JXSS1coggxlIWd0/tKMOE8zbNKeScEZ3aeXYysEvEccriFCgMP/Xk+LdLPiTB5gCu3NThRTMR6Mu52C4RXfwSzy0uLJv76oBvTJiZiDFbbFdEWfpfVTFrjBZ1DlSoOZ+GoT22eYd4+Zc2PYIUBYat8NC45hwcmy6Mvgy+/tf2v+e8rx2sKAyb/U3k8xNN8+uxKqS0Xu2aWMXi7lJBRRgQx5xfz+yzdPo8nMTdjR0B3ZlP0RmY145YuO3GHbasB7gC7b2ELlOTK7HSkYB7zos4aYUrimbIcObBBoIgwHN21bs2Mip8UzxwRMb16gww=="
        ), ("wechatpay-serial", "0F12AB"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let callbackPaidOldBody =
        #"{"id":"EV-2018022511223320873","create_time":"2026-11-27T23:16:03+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"ok","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"hXOtJwRCq+Yt3R97S8PsgVyGIflZkN5C2ng8j8KzN6UMD8Kf3L3sDIB2xFQqUOAi5Tp43a5ZLw29mM0ejvuqQRUqe3jgdhGqtTJJXSrZeIHFGWelZFlUlNEZUzNSI/61QqtQ85TGzOg2h0A0uTIq4gxWWrEd54fTymTnF2mtjyNml3rf1H2+NFGitaJ2DFjwjzIO2Q2SP2JJ3eYQl716O16vZtkXt+I2zf5UG2koAb1EsGOeSCPba3enBQVmOkfUAuXqY4TX9CdbIM8X338duTnYav92W5FJmTvfR62koJsPEtvqeer3vspzMWfHdGBOx+wEEVphFeZPb9JOhUouf8xARiHd0jL4YBATOYLv6s+dhSZxGAlvIQRkKhqtoPdk3xeg8tjdpmC2D+xR1if9YQXJNUEd9/OwGqTx6BUxbPOmXTx3oIpxAc0KaSybPKxhW/BxtLClHE7Tuw62MFcBaSbEkltMKbVMX6YyLwC3A/JlDxKNq+CD4Mm/nYTP7qvOmC3Yf8PVJKtcQ3AwWaVgbXKnWrRyxHRmnNPM4PpCv/4O3VWP68NPhLHOeM6u/cNTDLt6Gw==","associated_data":"transaction","nonce":"fixednonce12"}}"#
    static let callbackPaidOldHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792186"), ("wechatpay-nonce", "fKNYk6N2vbz5mW0F"),
        (
            "wechatpay-signature",
            "gVU5IsIdy3tD2L4eOj4HMafKBEFCFlrdp3cHHlu7JMYUVtsxkIvJ3826EXhetobeHk1ciXpC+/bZMwASPhcvn4DI1iO6fys1+2/Qz9YWt3xL9EXqovqmpntTNuKNI82K3iJCuAii5DseZV3HPNM2tn+p/28mLGmUxbUL4B88D/A8N5FGGnNOOuJy3p47JPSx8Mw1TaFqlXjboHszhXAkBZig8/bHuMSvlAi+64fuf1+E1RDgMWTVuF8SFwtdI1gUX7Q78JUo85cCqWXkNG9OZOpxXocQlU/3Sw07xGRvTU+6lAhCzZqqhitR43dgPkMKF9zUneTrb5a8cV1Aay5qJQ=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let callbackTamperedCiphertextBody =
        #"{"id":"EV-2018022511223320873","create_time":"2026-11-27T23:16:03+08:00","resource_type":"encrypt-resource","event_type":"TRANSACTION.SUCCESS","summary":"ok","resource":{"original_type":"transaction","algorithm":"AEAD_AES_256_GCM","ciphertext":"hXOtJARCq+Yt3R97S8PsgVyGIflZkN5C2ng8j8KzN6UMD8Kf3L3sDIB2xFQqUOAi5Tp43a5ZLw29mM0ejvuqQRUqe3jgdhGqtTJJXSrZeIHFGWelZFlUlNEZUzNSI/61QqtQ85TGzOg2h0A0uTIq4gxWWrEd54fTymTnF2mtjyNml3rf1H2+NFGitaJ2DFjwjzIO2Q2SP2JJ3eYQl716O16vZtkXt+I2zf5UG2koAb1EsGOeSCPba3enBQVmOkfUAuXqY4TX9CdbIM8X338duTnYav92W5FJmTvfR62koJsPEtvqeer3vspzMWfHdGBOx+wEEVphFeZPb9JOhUouf8xARiHd0jL4YBATOYLv6s+dhSZxGAlvIQRkKhqtoPdk3xeg8tjdpmC2D+xR1if9YQXJNUEd9/OwGqTx6BUxbPOmXTx3oIpxAc0KaSybPKxhW/BxtLClHE7Tuw62MFcBaSbEkltMKbVMX6YyLwC3A/JlDxKNq+CD4Mm/nYTP7qvOmC3Yf8PVJKtcQ3AwWaVgbXKnWrRyxHRmnNPM4PpCv/4O3VWP68NPhLHOeM6u/cNTDLt6Gw==","associated_data":"transaction","nonce":"fixednonce12"}}"#
    static let callbackTamperedCiphertextHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "fKNYk6N2vbz5mW0F"),
        (
            "wechatpay-signature",
            "JdWFTjZlR/7sr6xVd1KB7H8+acXuZ3tY19dp8Fc2wU2IGSscsLIzKxTAz2QdnkM2dhL1xoTGOvoGDKwUYVMUp+6G8PFX0M6xZqHXkNdF+QUdZgKfuHG8L2ssyavwxyCBR5APSf3JaDD5EGjTDV56VjUyBayHoT/+mz+yWsIiD1fCGCQvk2aWH6jAZmHHCtJLBog9TyHMsx5XW8cZpOVF7a5gG2BJ9DDVp0bm3/3PLb6TIQQsL5fIIhmT3J4hCB3uau0Mel85wCF125MUtu7E/LA7kFVI0vNcs96jGisuDNqwFEoWq3nCyJID+WZXCWETZBwd1zIjgWBl+qK49MoGpg=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let callbackRefundBody =
        #"{"id":"EV-2018022511223320873","create_time":"2026-11-27T23:16:03+08:00","resource_type":"encrypt-resource","event_type":"REFUND.SUCCESS","summary":"ok","resource":{"original_type":"refund","algorithm":"AEAD_AES_256_GCM","ciphertext":"hXOtJwRCq+Yt3R97S8PsgVyGIflZkN5M33wKn5LocbcrBZuK3vr6Bcwfww10B7QvsC8wzqIUa2P72c1LiZanHVMkPD3nOX6ttTMKEj3PPYSaCT72IQIIm78SBXJbZf7iR/1W85LFx/4olQZw6W1rtF8SA+5DiN6H2G/nD3nyymcJ1C2KlSHqWQn8pqpjTg2m4DMcxR/QayYQkfY9n709XgjjJowFvfBIvJklfxw7FK8F8DXKFEubLSDkWB9pITatY9TKVqKbvFpcJs8Hz1NM93r/WuNRe7F5mS3fW7Pl79weAOr1T/Pr7JVzOXW6FgU6pJIUBSwjUL8cOpsN6hV3KpNSTCHDwGGjIlRMYJLixd/a0GMmThtnOwZvIAa/8L4g2hi9tZDKrCu4QuxVwSvrHEuELnUBk/H0ZeKAjngeQLizVwE0lNV+IcN/NkqdY/Nh69rc6ENdU49RAFrukqDZbQ==","associated_data":"refund","nonce":"fixednonce12"}}"#
    static let callbackRefundHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "fKNYk6N2vbz5mW0F"),
        (
            "wechatpay-signature",
            "WFLIssnJLBmq/jGgECHdZ/nvkVezkkLk37bvtbHXy/P/7ejfFBtVhRc6nMS1U5LwgTkvtJ73P1U7B5NkmmCz5y9Pl2MgtJq+RJ0nz/8/NYZNLwYBMzh/ls6PmGmgRwBEQWWVj/xYCvhlHJpcRoSrB+veiruXVUszGaqWWxx9CCyPyIL7ceO8iW+7W6iIGyKW3N2aMDLkfLW3n4CJgFEh8zyNSe0NVFvCyIIULVavMN372+7kjyQNlcUF7eoVc7aA9OL2PnLKdSfTf9Moxvs6EAdQO1/VPrqRVtNRJBU/kQhAb/hPK/MQ2hkz6dTLTqiJc+KchVVa307xnOeMi8Up2Q=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let callbackRefundAbnormalBody =
        #"{"id":"EV-2018022511223320873","create_time":"2026-11-27T23:16:03+08:00","resource_type":"encrypt-resource","event_type":"REFUND.ABNORMAL","summary":"ok","resource":{"original_type":"refund","algorithm":"AEAD_AES_256_GCM","ciphertext":"hXOtJwRCq+Yt3R97S8PsgVyGIflZkN5M33wKn5LocbcrBZuK3vr6Bcwfww10B7QvsC8wzqIUa2P72c1LiZanHVMkPD3nOX6ttTMKEj3PPYSaCT72IQIIm78SBXJbZf7iR/1W85LFx/4olQZw6W1rtF8SA+5DiN6H2G/nD3nyymcJ1C2KlSHqWQn8pqpjTg2m4DMcxR/QayYQkfY9n709XgjjJowFvfBIvJklfxw7FK8F8DXKFEubLSDkWB9pITatY9TKVqKbvFpcJs8Hz1NM93rtTe5dbK9r9yPRCrXz79oIAMbeUvfjq41rKXe4Eh4mpI4LD0BGUbUWOpEH6g5sIpFYTDPNziKvIE5XesT6hIaMy3gzQ1V/MAVuIxqxoKkjyQO384jFqSukTL5E2Tf8MWCfNWAM3en/ZuODknZMUaCvQCwZg9ZtOsk5LkWYY75hCnu5UnfuQoHFXBOq0deCJ8k=","associated_data":"refund","nonce":"fixednonce12"}}"#
    static let callbackRefundAbnormalHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "fKNYk6N2vbz5mW0F"),
        (
            "wechatpay-signature",
            "UZeVDNRdXBiHsqTSjNspk8BWmAyxlf/Fbk6InDWRXY7SkAfZOKFL+1qiqUd6l1GhNA4D1RFMTsCuYnmaBEr+xNn9E9SAz/YcSfiy+JLVuCypDB6tPQbJqdv7q9SLHzvw/kNgTzzoISZSOdk4zPZUFaovXz/ETCpNqy65frKLtkqnPVXppg63XdzoU3SJ3jBVm4duvfk40UDsbnj8OEUZSaM5og7UN844RhuKyBxsX8XrKRaVUfwWK7nIafBVfRxJ2i+F5bny5QWBdWFXarK5yPFHifbVmZr1mEGNI5u8G3lF32Ah2j37yE3G+0Mn8acGOVlNkR3fIY+5RswBY5nBWw=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
}
