"""A TCP relay that holds each chunk DELAY seconds in each direction (a slow link) and counts the
client's round trips: a send after the server has spoken that the server then answers.
Used by Scripts/bench-latency.sh; writes the count of each finished connection to COUNT_FILE."""
import asyncio
import sys

listen_port, target_port, delay, count_file = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]


async def relay(client_reader, client_writer):
    server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
    state = {"last_from_client": False, "awaiting": False, "trips": 0}

    async def pump(reader, writer, from_client):
        try:
            while data := await reader.read(65536):
                if from_client and not state["last_from_client"]:
                    state["awaiting"] = True
                if not from_client and state["awaiting"]:
                    state["trips"] += 1
                    state["awaiting"] = False
                state["last_from_client"] = from_client
                await asyncio.sleep(delay)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    await asyncio.gather(pump(client_reader, server_writer, True), pump(server_reader, client_writer, False))
    with open(count_file, "a") as out:
        out.write(f"{state['trips']}\n")


async def main():
    server = await asyncio.start_server(relay, "127.0.0.1", listen_port)
    async with server:
        await server.serve_forever()

asyncio.run(main())
