/**
 * A python3 script (argv: answers.json prompts.json command…) that runs a command under a pseudo-terminal and
 * types the next answer each time one of the prompts shows; prints {exit, output, asked} as JSON.
 */
export const PTY_ANSWER = `import json, os, pty, select, sys, time
answers = json.load(open(sys.argv[1]))
prompts = [p.encode() for p in json.load(open(sys.argv[2]))]
command = sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)
output = b''
asked = 0
deadline = time.time() + 60
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.02)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        while asked < sum(output.count(p) for p in prompts):
            if asked < len(answers):
                time.sleep(0.05)
                os.write(fd, (answers[asked] + '\\r').encode())
            asked += 1
_, status = os.waitpid(pid, 0)
print(json.dumps({'exit': os.waitstatus_to_exitcode(status), 'output': output.decode('utf8', 'replace'), 'asked': asked}))
`

export interface PtyResult {
  asked: number
  exit: number
  output: string
}
