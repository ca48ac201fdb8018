import platform, sys
print(f"Hello from Python {platform.python_version()} on {platform.system()}, argv={sys.argv}")
