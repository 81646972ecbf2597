/** projects.import and projects.export: a project to and from a zip archive. */
import { MAX_ARCHIVE_BYTES } from "@att/shared";
import { emitEvent, type Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { initRepository } from "./git.ts";
import { claimName } from "./names.ts";
import { stageProject } from "./staging.ts";
import { extractArchive } from "./unzip.ts";
import { archiveProject } from "./zip.ts";

export const importProject: Operation<"projects.import"> = async ({ name, archiveBase64 }, context) => {
  const archive = Buffer.from(archiveBase64, "base64");
  if (archive.length > MAX_ARCHIVE_BYTES) {
    throw new OperationError(
      "payload_too_large",
      `the archive is ${archive.length} bytes; at most ${MAX_ARCHIVE_BYTES}`,
    );
  }
  const { catalog } = context;
  const release = await claimName(catalog, name);
  try {
    const files = await stageProject({
      root: catalog.root,
      name,
      build: async (dir) => {
        const count = await extractArchive(archive, dir);
        await initRepository(dir, `Import ${name} from a zip archive`);
        return count;
      },
    });
    const project = await catalog.register(name, "created");
    emitEvent(context, { projectId: project.id, type: "project.created", payload: { name, source: "zip" } });
    return { project, files };
  } finally {
    release();
  }
};

export const exportProject: Operation<"projects.export"> = async ({ projectId }, { catalog }) => {
  const project = await catalog.get(projectId);
  const { archive, files } = await archiveProject(project.path);
  return { archiveBase64: archive.toString("base64"), bytes: archive.length, files };
};
