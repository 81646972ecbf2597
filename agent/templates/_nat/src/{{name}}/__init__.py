"""{{description}}"""
