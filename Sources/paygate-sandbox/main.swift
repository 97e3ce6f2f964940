print("paygate-sandbox: stage 3")
