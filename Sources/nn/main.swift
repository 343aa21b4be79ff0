print("nn: under construction")
