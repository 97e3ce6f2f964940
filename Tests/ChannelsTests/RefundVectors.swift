// Expected values computed independently in Python (cryptography, hashlib, urllib) from TestKeys:
// refund failures and refund answers of every channel, for RefundParsingTests.
enum RefundVectors {
    static let alipayRefundRefused =
        #"{"alipay_trade_refund_response":{"code":"40004","msg":"Business Failed","sub_code":"ACQ.SELLER_BALANCE_NOT_ENOUGH","sub_msg":"seller balance not enough"},"sign":"f1V1BIUXpJ4rf684GRRm90p/OHZ+PuTxSDbBgYhOa6Yf8jcSFWrVRrunaKnj+G6tP66fvSnTleF/4PD7gP7Ryok3c4JWwCYpaCbnasRL3og5H418IJMXN6iHUu3u1l6TjEp56P9ZPP0AgYayaYI37DS4A7DBTm6E48Esw/3tHlEk0OZWEZCoiZbZHPH4jUL4UikaqdB+26NqKZjSPmv41D5XT4tWkEF+sLmIqaVPK2ddTXvonXfNTfO+yVTdeu//AGbDpELdZ3VOUx5gqMrT3hmvVDlTLD5+pwvtWHGJGbAebrpfvietSNhvqBpdapPvTLN9FIAwT7H0HpWmf5z7NA=="}"#
    static let alipayRefundBusy =
        #"{"alipay_trade_refund_response":{"code":"20000","msg":"Service Currently Unavailable","sub_code":"ACQ.SYSTEM_ERROR","sub_msg":"system error"},"sign":"X5CYUif9xkLqptf3Xm3XkaOqL1ja2RX6+SU2JzFcCKMBHV9UEUxnNCgkqprKu2VDrXncPv8wl1/f8Q0brtGEWi6PZcrlGBGiY9iezbf+Jc3gSD4YrmyMIn88VnXNElZmN+k/odkcSjT5bq20zyktygpnPjt3Ib7qiFTzCDWw2MD6REs0N9/Kp0dmNbC+DECiQXUfVgsB9CkbxmMNvN4O3mrVnqXfoBti3FyNgQBoy3vNrHcmc0PyuzwODHhOFxib2uAS/ZB5dvXEI/qDadbm7Rk/ROMCFRTfLCWRUPM1SnkGLilwl1FDzrHaPyRH+j7XMk+jouKhquytyhwR724XoA=="}"#
    static let alipayRefundQueryNoData =
        #"{"alipay_trade_fastpay_refund_query_response":{"code":"10000","msg":"Success"},"sign":"mgsaddCmpxfWvh9G+MdY/1pXl30ghyDUkZWTie1cAFke+NvOVJkqSk0nF+gm0hwzJPtM5G71FXhUD/WHIeQUTxvfyDmZrLi1ARoBg60RliAXo1/4GVtEPUSlKmyHWXjEwyxAe1ZfCHq3wo0epPFaxiwscedSm3t45zgJzHr4+GTZmbzRdi7WWAjxpYyCsBqM89B9i04A2KKSDZvAw/eC4P0xWoym0sibCaQgtK3ouilv8EawD6tHTkf08dsbLrxmlJpuqWvOB9eSrseAI1MVZdjqdszHTQcAJhwN2qK87M7FYMdJ6riDaryChjmEV008z0hv5iBcPTroB6KmiQdjiw=="}"#
    static let weChatRefundQueryAbnormalBody =
        #"{"refund_id":"50000000382019052709732678859","out_refund_no":"ref_1","status":"ABNORMAL","amount":{"refund":500,"total":1230,"currency":"CNY"}}"#
    static let weChatRefundQueryAbnormalHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "c5ac7061fccab6bf3e254dcf98995b8c"),
        (
            "wechatpay-signature",
            "sQjaVJ3LvTicTtmBnIjGFm08ya49YAVSaT5rofTtH/tTC1k0Di0Lqz+tFveZYcot0VGDvN+or6H3SQecZ1GckwqPhddckdVLYQDx3Lz3cTV1swc9n1bYE4PCzQmdaqhl2doqrscKCtOrozUU71HJOtA2Su3coZyzFIeGEs1UzKvBTByIdjv9LUECpn0O8AKoARCfA7G0xpSp2YS1j7dr+gvaJa8TUGRc02AdYvdkgFnKorfjqo/XIBUc+xQbGc9lLDcGm8usZU32Rq4x4iq46mcCp7TLep0JEgwW/t24b84lW32M2rYpVQq7ZoqKy5rx5N8XDKa+xCF6O5RWby40GA=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let weChatRefundQueryClosedBody =
        #"{"refund_id":"50000000382019052709732678859","out_refund_no":"ref_1","status":"CLOSED","amount":{"refund":500,"total":1230,"currency":"CNY"}}"#
    static let weChatRefundQueryClosedHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "c5ac7061fccab6bf3e254dcf98995b8c"),
        (
            "wechatpay-signature",
            "rbLiqZ95tiKb5mFsHkiZsF7Qo08iSfbupWHue/j3gad3NRQPNuPPh8MtlaI4qebre7NDpYEjYswBDFBIDSHeja5+CsUzmsd0+FOQWgq0SxH1Mw8DavX42YD8DEDRBkjM7qrMg4KEuWfr7889ulSElX7M1cGNwsO4l5zinGXQvBSueC++6RZdMTseo1x1DKqVQIfqIkjz3+ShgnwsBoC2qtziUUdycX6jh4JqIEvRwmWGTWzd9YoPhUDMGB+shrpDYYps0ZY3TPT3ri8CU9sR1bz9Xetq1ZQQy2A/2VFirLn46hjdfKyRtySCH9R2s56K+BscBkesNG/pheXup8xIVA=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let weChatCallbackRefundClosedBody =
        #"{"id":"EV-2026112700000000001","create_time":"2026-11-28T10:00:01+08:00","resource_type":"encrypt-resource","event_type":"REFUND.CLOSED","summary":"refund","resource":{"original_type":"refund","algorithm":"AEAD_AES_256_GCM","ciphertext":"xzbTTLTXF6VyC0i1HXVUDz/J77M82PzhmUwtUHIkIi0zCUBhgE1aAcgaQsTIkzbERWmMHm6l+DlD/BzqIrKoYPrzGOMcuAwPTXmm7eU6gcFu1gharPEmEuMacG+0s1eT8aTMtUc6aG2kdBKm4dOPuJO4nc+IZFQzG/Hc6zgY44+BdxCnyNYClXfNMA57huxM1HcgdEeaH24st1jo+NjRpJSzHfjZ8AgVYQrPlofC9k8vfxaJmjM9mP9c+0cFHIuuVaWF26VLUlYZjmvd+5vzDNwhF5jOXoAt1+ARPjx+F2wgTEKiXWmJreH6dz2hIh4SVboIyZK36ORi0WB+WbwS/kLY+xzvN0J9LfDQ7U3INMOj2G+NU03/wI/y58FdAasuJWVKN65gTCllbTCPZ0TWuWgdDeFn5kcERLE4VqLNc90Kk37NpS8zW8Dn3KTv0xcWCwVei6wPM5fJvTfLK3E=","associated_data":"refund","nonce":"refundnonce1"}}"#
    static let weChatCallbackRefundClosedHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "fKNYk6N2vbz5mW0F"),
        (
            "wechatpay-signature",
            "VFq+AcDL1du6FICERWeekI9ZQzkmEGWrquTZteFkuOmpp7J3ST/GTb+nS4IAzTwN6o9NShQlHDSB4/hQ3gy934e2iY+b3X8Z80nnwosfqnkSD5uE7Dlof3rvGZOSASRDop/PQdkD/SATyTP+qlY5u6xj7B8q8jLXYZPUhvVI4zIMV+I9MP+bASqAncKcsRBGqioBkJQmNDusTQv+0bi6HQ3x2Mvfx/WR+t2P2zcfzskJWgFZYLzapikAVpIqNO3nk9QQQmARMHyl1Hb83gkhmVNAYCkqodihSRJUnFDL2X+vAa173Nvm7Ca+//H0LJEnOBRPQINtK52C5qi3vk0Phg=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let weChatCallbackRefundAbnormalNoSuccessTimeBody =
        #"{"id":"EV-2026112700000000001","create_time":"2026-11-28T10:00:01+08:00","resource_type":"encrypt-resource","event_type":"REFUND.ABNORMAL","summary":"refund","resource":{"original_type":"refund","algorithm":"AEAD_AES_256_GCM","ciphertext":"xzbTTLTXF6VyC0i1HXVUDz/J77M82PzhmUwtUHIkIi0zCUBhgE1aAcgaQsTIkzbERWmMHm6l+DlD/BzqIrKoYPrzGOMcuAwPTXmm7eU6gcFu1gharPEmEuMacG+0s1eT8aTMtUc6aG2kdBKm4dOPuJO4nc+IZFQzG/Hc6zgY44+BdxCnyNYClXfNMA57huxM1HcgdEeaH24st1jo+NjRpJSzHfjZ8AgVYQrPlofC9k8vfxaJmjM9mP9c+0cFHIuuVaWF26VLUlYZjmvd+5vzDNwjGZnSSYlOt+BIbyx/LWwaXUKoTmWbl+TGdTG3Ix9eG7pBio+y5O94nno/V7wQ/EmZshyieExlLPGcoxTQO46j1nfOBV73wo3t9Z8aFbsmNCkUIKRlUDs5LjmLbH7QiWgTFaIx9U8GRq4qCuHEd9Ywk0TZtSciF57w1qGinlnyn+T3tGvdljwwrqGuSUDiAw==","associated_data":"refund","nonce":"refundnonce1"}}"#
    static let weChatCallbackRefundAbnormalNoSuccessTimeHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "fKNYk6N2vbz5mW0F"),
        (
            "wechatpay-signature",
            "q8p+CyuAoiOjg6q5oDs88Hq+NF0Iq1UiNSQcmW2zg/vG3D+Bw4Y5KLy1T9gidhEXb3YJDkje7ARC9s1cKE9NZlzA2Bb+g51Ito077UKdxdd7jVLKJ+UGMvQPlYeLLk1U/o64+xGjjNz0TolT1CnO7ClHYH0Z8yukiWdgdaCatmq2NlCcBqo0F5lpbd7cEbL1vaYGDxwDm5msUurV40Y/ApVgdFmsZ+Ca8WuAtgf8shIansg/MFOKlDVCsG/xXGZWP4gOExMlXF3UvplEX6Zqg3SSoEpmdgntWSn8agvGyryit/6jBR51s5RqzauVFmPJwAswArTEEJVKbM4G3jkeJQ=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let weChatCallbackRefundSuccessSaysAbnormalBody =
        #"{"id":"EV-2026112700000000001","create_time":"2026-11-28T10:00:01+08:00","resource_type":"encrypt-resource","event_type":"REFUND.SUCCESS","summary":"refund","resource":{"original_type":"refund","algorithm":"AEAD_AES_256_GCM","ciphertext":"xzbTTLTXF6VyC0i1HXVUDz/J77M82PzhmUwtUHIkIi0zCUBhgE1aAcgaQsTIkzbERWmMHm6l+DlD/BzqIrKoYPrzGOMcuAwPTXmm7eU6gcFu1gharPEmEuMacG+0s1eT8aTMtUc6aG2kdBKm4dOPuJO4nc+IZFQzG/Hc6zgY44+BdxCnyNYClXfNMA57huxM1HcgdEeaH24st1jo+NjRpJSzHfjZ8AgVYQrPlofC9k8vfxaJmjM9mP9c+0cFHIuuVaWF26VLUlYZjmvd+5vzDNwjGZnSSYlOt+BIbyp5K30gXFSUX2WAl6KjNmDkflwdXqlWmsSHu7sgwTIlBe1XrR/A5w6sdg99MOGAiESPI8m+z2bLNh2ukNCrq8caXfwzICkUYPEoQGl0YCiEdn6A+j4dDKwouQEVTuY4UqzAd8N32yqZ43F7W4i3iuH8yga10/zDoc/94j/UqK0Nv3kiHjkxnIXB0cIj2LN/IDM2FNVHJTdLmlZxY7mEh3dcuGarN1K9tDpuQ3fis2s=","associated_data":"refund","nonce":"refundnonce1"}}"#
    static let weChatCallbackRefundSuccessSaysAbnormalHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "fKNYk6N2vbz5mW0F"),
        (
            "wechatpay-signature",
            "xMkv1z9TsurPKpD/UEiy5rMrRWql0meoaBUrb3OH03d+YYmuMbRLYU0rF6E9H0Ud+FpdGQOvTaaJYr8LqeCCeCN5rXY/q9jHRlFlctvHIy78LkFdIzzocD4SBF5tlULWrPGEh7B02AedzSLfEf/sfRCfrsPxFbl2agjzerRVCzyVoNinOznwDL6tbAOVGhwSCyubrWdj/tBL7Bpl5Wp2cxcyrdk1h7U4RRmn+iR3ohNjY9Rpj1dJLWLiISNEdPsY52C2Z9ESE+cPl4GEPMNcUZMDvxM4YCrYK3bdrdQ7k1snoVQ3tQ9gGioqqCMZNIBp9UDBQY0Ep0ygScPTFyJfew=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let weChatCallbackRefundAbnormalSaysSuccessBody =
        #"{"id":"EV-2026112700000000001","create_time":"2026-11-28T10:00:01+08:00","resource_type":"encrypt-resource","event_type":"REFUND.ABNORMAL","summary":"refund","resource":{"original_type":"refund","algorithm":"AEAD_AES_256_GCM","ciphertext":"xzbTTLTXF6VyC0i1HXVUDz/J77M82PzhmUwtUHIkIi0zCUBhgE1aAcgaQsTIkzbERWmMHm6l+DlD/BzqIrKoYPrzGOMcuAwPTXmm7eU6gcFu1gharPEmEuMacG+0s1eT8aTMtUc6aG2kdBKm4dOPuJO4nc+IZFQzG/Hc6zgY44+BdxCnyNYClXfNMA57huxM1HcgdEeaH24st1jo+NjRpJSzHfjZ8AgVYQrPlofC9k8vfxaJmjM9mP9c+0cFHIuuVaWF26VLUlYZjmvd+5vzDNwxDpTeXpdc2e5GPixvK3s2XHi/QmGI0Lq7JmLmekcBXrVJkKjiurEqwTgvBfZMpR3K5xyieFh7JvatpVOJJcWh3GfwCB+unMqwsZECRa0hLyMSbeZwAmp5bSeJcDmO9H0RDrYzo1cND79uSbfVeo1v0CmY4G11C5+0mfr2jB661vzfr53s+iPDhYYWpGwvUCE6n4TCzcxxyatjNx4bA9ZUPj0Ngll0Y/SE0GsQoC6bhmkXfigqrOeB5w==","associated_data":"refund","nonce":"refundnonce1"}}"#
    static let weChatCallbackRefundAbnormalSaysSuccessHeaders: [(String, String)] = [
        ("wechatpay-timestamp", "1795792487"), ("wechatpay-nonce", "fKNYk6N2vbz5mW0F"),
        (
            "wechatpay-signature",
            "r5+pJJFbBfF3RouUGiXloHoeI5x1S+aIMjTjgpW9hrQBY5ilf1/QojmjW63UcB1wP8SXFXNsDUUw5bdh+4uiz1mSXbuSr4tjM8ZM26KXuvF5N1T4cZCxosQVeLVEOCkf4ytFcZ9b2+8EZqbeAIOUkV0p1tIC+KQTWb6uW+rJX4zX93iRlSw1+Eli/5oguQjTjhzOYObdQEg0A18qsigNthBwqRKnH+UEdMhMPOx8EM3ALD1Z0LwNZL9uFtJEXyGT1SraML9otb4w/QNjM3mNfGdQjy55snw2m9PoUB/z0qHDx8R9acQV0VUB2/pPXTnkErTJgsZru5C5U9sr6Frszw=="
        ), ("wechatpay-serial", "7C2E9A55D0B1F3E2A4C6B8D0E2F4A6C8D0E2F4A6"), ("wechatpay-signature-type", "WECHATPAY2-SHA256-RSA2048"),
    ]
    static let unionPayRefundQueryFailed =
        #"version=5.1.0&encoding=UTF-8&signMethod=01&accessType=0&merId=777290058110048&bizType=000000&txnType=00&txnSubType=00&orderId=ref_1&respCode=00&origRespCode=01&origRespMsg=refund failed&queryId=782611280014470000001&txnAmt=500&certId=69042905377&signature=jUNed40TEiinwnMDKg2bis9mRu71FxkYH3iip3kD8dD0BZU9oz/sMnLP5BgbtGe4K6xeYkO9UAn610/WRTrSv2Pn4znzcPrV77nUQLHOVsR5c98WHSEP8DHBAjyRz0bKrb8yS8sdEshGwFu5+i6t9ycHYTUy1sAu+/DdseLm6cK8uwXLNvfj/sC1xLDlsauRx2BbebsyVoBqn4aggkMlspgdEQJnoVnQKZG8hbp4zoY0AHDcvMFCBHh27LDky6S/V7cIfCBy6Fd8qMze7dfZLHknFmjw+EOaIuaLQ2qKRIbbeeO9IbhpRFBJR+fcveiVVmUpeYoQJliY4Bo94n1wyg=="#
    static let unionPayRefundQueryPending =
        #"version=5.1.0&encoding=UTF-8&signMethod=01&accessType=0&merId=777290058110048&bizType=000000&txnType=00&txnSubType=00&orderId=ref_1&respCode=00&origRespCode=05&queryId=782611280014470000001&txnAmt=500&certId=69042905377&signature=Ofr+lPEYJ3bobqt+MysaqjMwIgJXXHVRbAqTn8EVBx0k9D6r9FqMQsDPqwyr5VQJjCXgxZmEYZlOpt/LvP2NJcWeJcPwmqTFlEjBzDt+0bs8W4T0gARoC8i73yn9zS7r+/g3HeH5m9xXaQHibwe5Q4vUJodVW5oCzcpVMXatbt34EWi3fIC7a8N7URI38dPBdQ5lEJDiFIPdD9pOC18gZyBloyvtDNkd/cZY1GJfDeHNghZti6XFQHLT/XfgFj1uiJ/tt4zsX93i5GUYX6zbLb8QqJpGfFl6E1nQiiXukEyFQG+1HA4MqSowIFtCX/Stj7vO/Ifa3zcsjDvYKYQ02Q=="#
    static let unionPayRefundRefused =
        #"version=5.1.0&encoding=UTF-8&signMethod=01&accessType=0&merId=777290058110048&bizType=000000&txnType=04&txnSubType=00&orderId=ref_1&respCode=36&respMsg=refund amount exceeded&certId=69042905377&signature=L6qjdcp8N1U0Myu0yBDTe/m5SW4xu76ayK7gCaLV5N+D658NR/yS35cRP7wQvpl3TqWFUOgbH/hRpJCAwwK6pC3o6sfQc9NkQidx0Y4WJFk0N0qBMXgQrE//q72VuSOU2MZvGneirqvQdub14Yr5PwMpFhpd4LUVuAWqT110G8lBosjxDi1xl6cWxncaW9rAMZTpG1SRlOJC1iRG8k01wGjqgfuP1Mq/cu/wT1DnK/55sMC2zsKz/OoLF43/EBX8cHqK64iQjTCoGxIjnAtFc9+EDvym6Em0vKoaJDohgHUTvaU3Ua/RD4CzFJ68CCKNY/0kSW/RMBPEQjEJadWHKw=="#
    static let unionPayCallbackRefundFailed =
        #"version=5.1.0&encoding=UTF-8&signMethod=01&accessType=0&merId=777290058110048&bizType=000000&txnType=04&txnSubType=00&orderId=ref_1&txnTime=20261128100000&respCode=01&respMsg=refund%20failed&queryId=782611280014470000001&txnAmt=500&currencyCode=156&origQryId=782611272316020123456&certId=69042905377&signature=LcJ1sJq20M5InimV5e%2B3qO2md34skvkLe%2FaR0%2BHTXZ89qepUQJT2CpeUSojwuQExm4DexqixSUmFOc%2BDWogaxykMigFNnUXwVDf34bJNTeciSJI1pSs8E%2FXh9Wg5Jy8ZUwAgtu6oNcN7twBJNCR6l6LM1aUjH63ZNPHkXqvwJrHlIBPBzwwrQkjtnQ67kIGMTgVTo8ghCOdsm954fgeOX8g%2BKzZKljQcjzeyu2PzjgczXfT%2BB8GTIVf5J8SrRkLkZ%2FfgIz%2FC1dMKyKGlVEHq9ws4HXsHb9wfqGcEF3gqAtv7Ybfre9mmXvqVwfEXdyElp2PkvlY%2FCfTqTKa8NE90OA%3D%3D"#
    static let unionPayCallbackRefundPending =
        #"version=5.1.0&encoding=UTF-8&signMethod=01&accessType=0&merId=777290058110048&bizType=000000&txnType=04&txnSubType=00&orderId=ref_1&txnTime=20261128100000&respCode=03&respMsg=in%20progress&queryId=782611280014470000001&txnAmt=500&currencyCode=156&origQryId=782611272316020123456&certId=69042905377&signature=LqYhA9PhN2oz6SFk8NPsRnTbFP3liXPLIOnmG0FJXxjtvPq333%2FCLPTYGn1GG2kFx5EcHbxHGwmc610Dr1Ybrs39380V4OyjXUCdQpGdOTJvSmB4vYwEqD2Rxhmc3GAiSbBk1ZsRLrab8c6PyqMTWAfGr1W1MbLTUbWRgQDn6afESwyd%2BJuh5yib8otmxtLg7FKB11%2BMPNmlwEhukwl%2BE7UPRumi1ITuLToagwWnE%2By%2FSG0af2iSbwXhwHNblZEPeeuiNcMDZXGtxWT8smbijtioFOtH8wq79VLCtBG0BuzWqkJXsq4LhrXRrs2rPp2rxczZ4JN1MhT3Jr%2FnGlT%2BUQ%3D%3D"#
}
