"""Chat adapters: each translates one platform to the neutral events and UI of bot/."""
