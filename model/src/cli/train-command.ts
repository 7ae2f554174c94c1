/** Training lives in issue 6 (in-app fine-tuning); the base model is trained in model/base (issue 5). */
export async function trainCommand(_argv: string[]): Promise<number> {
  console.error('unshake train: not implemented yet — tracked in issue 6 (fine-tuning). The base model recipe is in model/base/.');
  return 2;
}
