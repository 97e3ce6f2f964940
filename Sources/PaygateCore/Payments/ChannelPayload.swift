/// What a merchant needs to put the payer in front of the channel: the payment's
/// `channel_payload` (docs/API.md section 5), as the channel handed it over. Every channel's
/// product gives `pay_url`; the members a channel does not use are left out of the JSON.
public struct ChannelPayload: Sendable, Equatable {
    /// Where the payer pays: the channel's own QR content or page, or on the local stack the
    /// sandbox's payer page (docs/API.md section 9).
    public var payURL: String
    /// WeChat Pay Native: the QR content (`weixin://wxpay/bizpayurl?pr=…`).
    public var codeURL: String?
    /// Alipay precreate (`https://qr.alipay.com/…`) and UnionPay's QR code apply: the QR content.
    public var qrCode: String?
    /// UnionPay's front-end consume: the form the payer's browser posts to the channel.
    public var form: PayerForm?

    public init(payURL: String, codeURL: String? = nil, qrCode: String? = nil, form: PayerForm? = nil) {
        self.payURL = payURL
        self.codeURL = codeURL
        self.qrCode = qrCode
        self.form = form
    }

    /// `{"pay_url": …, "code_url": …, "qr_code": …, "form": {"action": …, "method": "POST",
    /// "fields": {name: value, …}}}` with the absent members left out; fields in signing order.
    public var json: String {
        var writer = JSONWriter(reservingCapacity: 128 + (form?.fields.count ?? 0) * 64)
        writer.objectOpen()
        writer.member("pay_url", payURL)
        if let codeURL { writer.member("code_url", codeURL) }
        if let qrCode { writer.member("qr_code", qrCode) }
        if let form {
            writer.key("form")
            writer.objectOpen()
            writer.member("action", form.action)
            writer.member("method", PayerForm.method)
            writer.key("fields")
            writer.objectOpen()
            for field in form.fields { writer.member(field.name, field.value) }
            writer.objectClose()
            writer.objectClose()
        }
        writer.objectClose()
        return writer.string
    }
}

/// A form the payer's browser posts (`application/x-www-form-urlencoded`) to `action`, every
/// field as given: the channel checks the signature over them, so none may be changed or left out.
public struct PayerForm: Sendable, Equatable {
    /// Channels' front-end forms are posted.
    public static let method = "POST"

    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }

    public var action: String
    public var fields: [Field]

    public init(action: String, fields: [Field]) {
        self.action = action
        self.fields = fields
    }
}
