/** projects.create and projects.templates: a new project from a template, as a git repository. */
import path from "node:path";
import { TemplateId } from "@att/shared";
import { emitEvent, type Operation } from "../context.ts";
import { initRepository } from "./git.ts";
import { claimName } from "./names.ts";
import { natAvailable, natWorkflowCreate } from "./nat-cli.ts";
import { stageProject } from "./staging.ts";
import { renderTemplate, TEMPLATES } from "./templates.ts";

export const listTemplates: Operation<"projects.templates"> = async (_params, { config }) => {
  const natRuns = await natAvailable(config.natCommand);
  return {
    templates: TemplateId.options.map((id) => ({
      id,
      title: TEMPLATES[id].title,
      description: TEMPLATES[id].description,
      available: id !== "nat_workflow_create" || natRuns,
    })),
  };
};

export const createProject: Operation<"projects.create"> = async ({ name, template, description }, context) => {
  const { catalog, config } = context;
  const release = await claimName(catalog, name);
  try {
    await stageProject({
      root: catalog.root,
      name,
      build: async (dir) => {
        if (template === "nat_workflow_create") {
          await natWorkflowCreate({ natCommand: config.natCommand, name, parent: path.dirname(dir), description });
        } else {
          await renderTemplate({ id: template, dir, name, description });
        }
        await initRepository(dir, `Create ${name} from the ATT template '${template}'`);
      },
    });
    const project = await catalog.register(name, "created");
    emitEvent(context, { projectId: project.id, type: "project.created", payload: { name, template } });
    return { project };
  } finally {
    release();
  }
};
