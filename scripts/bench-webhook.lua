-- wrk script for bench (f0): POSTs a webhook-sized JSON body to the bench receiver, the ceiling
-- the dispatcher's delivery rate (f) is read against.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Paygate-Event-Id"] = "evt_00000000000000000000000000000000"
wrk.body = '{"id":"evt_00000000000000000000000000000000","type":"payment.succeeded","created_at":"2026-01-01T00:00:00Z",'
    .. '"data":{"payment_id":"pay_ceiling","amount":"12.30","currency":"CNY","status":"succeeded"}}'
