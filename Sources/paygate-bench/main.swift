print("paygate-bench: not yet")
