"""discord.py extensions: thin adapters from slash commands, buttons and modals to the core."""
