"""Faithful stand-ins for the remote services (real HTTP servers on loopback).

Emulators never import the clients: they are built from the references alone, so a
client bug cannot hide behind a matching emulator bug.
"""
