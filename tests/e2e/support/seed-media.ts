import type { Memory } from "@/lib/memory/types";
import { at } from "./seed-data";

/** A user with a voice message, a photo and profile facts (one superseded), for the profile/media spec. */
export const EVE = { userId: 4242008, firstName: "Eve", username: "eve_media" };
export const EVE_PHOTO_FILE = "AgACAgIAAxkBAAIE2EvePhotoFile";
/** A real 96×64 PNG (a grey blob on a warm background), so the browser decodes and shows the thumbnail. */
export const EVE_PHOTO_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAGAAAABACAIAAABqVuVZAAAK30lEQVR42tXaR7LsClaG0Rx2tenhqQLkpfTHe5NeUsoBI9E4UKx4ndegA1TVPRFrBF9z7382/ldASERMQkpGTsGcBUtWrNmw5YZb7rjngUeeeOaFV95454NPvvhmx54DR06cuVBSUXOloaWjZ5jMxv8MCImISUjJyCmYs2DJijUbttxwyx33PPDIE8+88Mob73zwyRff7Nhz4MiJMxdKKmquNLR09AyT2fgfASERMQkpGTkFcxYsWbFmw5YbbrnjngceeeKZF155450PPvnimx17Dhw5ceZCSUXNlYaWjp5hMhuHgJCImISUjJyCOQuWrFizYcsNt9xxzwOPPPHMC6+88c4Hn3zxzY49B46cOHOhpKLmSkNLR88wmY19QEhETEJKRk7BnAVLVqzZsOWGW+6454FHnnjmhVfeeOeDT774ZseeA0dOnLlQUlFzpaGlo2eYzMYuICQiJiElI6dgzoIlK9Zs2HLDLXfc88AjTzzzwitvvPPBJ198s2PPgSMnzlwoqai50tDS0TNMZmMbEBIRk5CSkVMwZ8GSFWs2bLnhljvueeCRJ5554ZU33vngky++2bHnwJETZy6UVNRcaWjp6Bkms7EJCImISUjJyCmYs2DJijUbttxwyx33PPDIE8+88Mob73zwyRff7Nhz4MiJMxdKKmquNLR09AyT2XgNCImISUjJyCmYs2DJijUbttxwyx33PPDIE8+88Mob73zwyRff7Nhz4MiJMxdKKmquNLR09AyT2VgHhETEJKRk5BTMWbBkxZoNW2645Y57HnjkiWdeeOWNdz745Itvduw5cOTEmQslFTVXGlo6eobJbKwCQiJiElIycgrmLFiyYs2GLTfccsc9DzzyxDMvvPLGOx988sU3O/YcOHLizIWSiporDS0dPcNkNpYBIRExCSkZOQVzFixZsWbDlhtuueOeBx554pkXXnnjnQ8++eKbHXsOHDlx5kJJRc2VhpaOnmEyGy8BIRExCSkZOQVzFixZsWbDlhtuueOeBx554pkXXnnjnQ8++eKbHXsOHDlx5kJJRc2VhpaOnmEyG88BIRExCSkZOQVzFixZsWbDlhtuueOeBx554pkXXnnjnQ8++eKbHXsOHDlx5kJJRc2VhpaOnmEyG08BIRExCSkZOQVzFixZsWbDlhtuueOeBx554pkXXnnjnQ8++eKbHXsOHDlx5kJJRc2VhpaOnmEyG48BIRExCSkZOQVzFixZsWbDlhtuueOeBx554pkXXnnjnQ8++eKbHXsOHDlx5kJJRc2VhpaOnmEyGw8BIRExCSkZOQVzFixZsWbDlhtuueOeBx554pkXXnnjnQ8++eKbHXsOHDlx5kJJRc2VhpaOnmEyG/cBIRExCSkZOQVzFixZsWbDlhtuueP+D3/4m/+dcf/JF9/s2HPgyIkzF0oqaq40tHT0DJPZuAsIiYhJSMnIKZizYMmKNRu23HD7v47yP8bafbNjz4EjJ85cKKmoudLQ0tEzTGbjd0BIRExCSkZOwZwFS1as2bDl5v89ze8yfe/Yc+DIiTMXSipqrjS0dPQMk9n4FRASEZOQkpFTMGfBkhVrNmz/rGl+l+lrz4EjJ85cKKmoudLQ0tEzTGbjZ0BIRExCSkZOwZwFS1as2fzF0vwu0+eBIyfOXCipqLnS0NLRM0xm40dASERMQkpGTsGcBUtWrP8qaX6X6ePIiTMXSipqrjS0dPQMk9n4HhASEZOQkpFTMGfBktXkr17nt0bvx/H9xJkLJRU1VxpaOnqGyWx8CwiJiElIycgpmLNgya9S57dGbyfOXCipqLnS0NLRM0xm42tASERMQkpGTsGcBctfKs3vMr2euVBSUXOloaWjZ5jMxpeAkIiYhJSMnII5C37hQC9nLpRU1FxpaOnoGSaz8TkgJCImISUjp2DOYvLL1vmt0fN5fL5QUlFzpaGlo2eYzMangJCImISUjJyCOb96nd8aPV0oqai50tDS0TNMZuNjQEhETEJKRk7BfPIj6vzW6PEyPpZU1FxpaOnoGSaz8SEgJCImISUjp2A++UmBHi7jQ0lFzZWGlo6eYTIb7wNCImISUjJyCn5Snd8a3ZdU1FxpaOnoGSaz8S4gJCImISUjp+AHBrorqai50tDS0TNMZuNtQEhETEJKRk7BDwx0W1JRc6WhpaNnmMzGm4CQiJiElIycgh8Y6KakouZKQ0tHzzCZjduAkIiYhJSMnIIfGGhbUlFzpaGlo2eYzMZNQEhETEJKRk7BDwy0KamoudLQ0tEzTGbjOiAkIiYhJSOn4AcGWpdU1FxpaOnoGSazcRUQEhGTkJKRU/ADA61KKmquNLR09AyT2bgMCImISUjJyCn4gYGWJRU1VxpaOnqGyWxcBIRExCSkZOQU/MBAi5KKmisNLR09w2Q2zgNCImISUjJyCn5goHlJRc2VhpaOnmEyG4uAkIiYhJSMnIL55CfVKS5jUVJRc6WhpaNnmMzGPCAkIiYhJSOnYD75SYHyy5iXVNRcaWjp6BkmszELCImISUjJyCmY80PuQdmFkoqaKw0tHT3DZDamASERMQkpGTkFcxaTX71Oeh7TCyUVNVcaWjp6hslsTAJCImISUjJyCuYs+IVv0smZCyUVNVcaWjp6hslsjANCImISUjJyCuYs+IUDxWculFTUXGlo6egZJrMxCgiJiElIycgpmLNgyS/2F4tOnLlQUlFzpaGlo2eYzMYwICQiJiElI6dgzoIlq8mvUic8juGJMxdKKmquNLR09AyT2RgEhETEJKRk5BTMWbBkxS/wmw+OnDhzoaSi5kpDS0fPMJmN/x4QEhGTkJKRUzBnwZIVa/5K645/P3DkxJkLJRU1VxpaOnqGyWz8t4CQiJiElIycgjkLlqxYs+EvuA/6tz0Hjpw4c6GkouZKQ0tHzzCZjf8aEBIRk5CSkVMwZ8GSFWs2bPkzL8z+dceeA0dOnLlQUlFzpaGlo2eYzMY/BYRExCSkZOQUzFmwZMWaDVtu+DNsFP/0zY49B46cOHOhpKLmSkNLR88wmY1/DAiJiElIycgpmLNgyYo1G7bccMsd/4eV6x8/+eKbHXsOHDlx5kJJRc2VhpaOnmEyG/8lICQiJiElI6dgzoIlK9Zs2HLDLXfc88AjTzzzwitvvPPBJ198s2PPgSMnzlwoqai50tDS0TNMZuM/B4RExCSkZOQUzFmwZMWaDVtuuOWOex545IlnXnjljXc++OSLb3bsOXDkxJkLJRU1VxpaOnqGyWz8p4CQiJiElIycgjkLlqxYs2HLDbfccc8DjzzxzAuvvPHOB5988c2OPQeOnDhzoaSi5kpDS0fPMJmN/xgQEhGTkJKRUzBnwZIVazZsueGWO+554JEnnnnhlTfe+eCTL77ZsefAkRNnLpRU1FxpaOnoGSaz8R8CQiJiElIycgrmLFiyYs2GLTfccsc9DzzyxDMvvPLGOx988sU3O/YcOHLizIWSiporDS0dPcNkNv59QEhETEJKRk7BnAVLVqzZsOWGW+6454FHnnjmhVfeeOeDT774ZseeA0dOnLlQUlFzpaGlo2eYzMa/CwiJiElIycgpmLNgyYo1G7bccMsd9zzwyBPPvPDKG+988MkX3+zYc+DIiTMXSipqrjS0dPQMk9n4twEhETEJKRk5BXMWLFmxZsOWG265454HHnnimRdeeeOdDz754psdew4cOXHmQklFzZWGlo6eYfLfGU//DYD1wxQAAAAASUVORK5CYII=",
  "base64",
);
export const EVE_VOICE_TEXT = "I'm flying to Tokyo for a conference next month.";
export const EVE_PHOTO_TEXT = "[Photo: A grey cat asleep on a stack of books] my cat Miso";

export async function seedMedia(memory: Memory): Promise<number> {
  const profile = { firstName: EVE.firstName, username: EVE.username, language: "en" };
  const voice = await memory.appendMessage({
    userId: EVE.userId,
    role: "user",
    content: EVE_VOICE_TEXT,
    at: at(4, 0),
    profile,
    media: { kind: "voice", fileId: "AwACAgIAAxkBAAIE2EveVoiceFile", duration: 6 },
  });
  await memory.appendMessage({
    userId: EVE.userId,
    role: "assistant",
    content: "Tokyo! What is the conference about?",
    at: at(4, 1),
  });
  const photo = await memory.appendMessage({
    userId: EVE.userId,
    role: "user",
    content: EVE_PHOTO_TEXT,
    at: at(2, 0),
    profile,
    media: { kind: "photo", fileId: EVE_PHOTO_FILE, caption: "my cat Miso" },
  });
  await memory.appendMessage({
    userId: EVE.userId,
    role: "assistant",
    content: "Miso looks very comfortable!",
    at: at(2, 1),
  });
  const [oldCity] = await memory.addProfileFacts(EVE.userId, [
    { category: "place", text: "Lives in Oslo", sources: [voice.id] },
  ]);
  await memory.addProfileFacts(EVE.userId, [
    { category: "place", text: "Lives in Bergen", sources: [voice.id], replaces: oldCity!.id },
    { category: "family", text: "Has a cat named Miso", sources: [photo.id] },
  ]);
  return 4;
}
