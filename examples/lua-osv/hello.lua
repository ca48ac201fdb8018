print(os.getenv("GREETING") .. ", " .. _VERSION .. ": 2^10 = " .. 2^10)
